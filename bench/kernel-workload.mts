// The standard DES workload of the kernel benchmarks: P processes, each waiting E uniform-random timeouts
// (the same work as SimPy's side of `kernel-vs-simpy.sh`: one generator function, one uniform draw per
// timeout). Prints `events_per_s=N`. Run by bench/kernel-ceiling.mjs, one fresh process per run.
//
// Usage: npx tsx bench/kernel-workload.mts <variant> <core dir> P E
//   kernel   the event kernel in <core dir> (src/core, or a copy with another agenda)
//   replay   no kernel at all: the P generators resumed in the order a correct agenda would visit
//            them (precomputed, untimed), each yield allocating an event-sized object. This is the
//            floor of any SimPy-style kernel on this machine: resuming generators and allocating
//            events in time order, with no agenda, no waiters and no clock.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [variant = 'kernel', coreDir = 'src/core', P = '1000', E = '1000'] = process.argv.slice(2);
const nP = Number(P);
const nE = Number(E);

// mulberry32, as the shared kernel bench uses.
let s = 1;
const rnd = (): number => {
  s = (s + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

let seconds: number;
if (variant === 'kernel') {
  const core = await import(pathToFileURL(resolve(coreDir, 'index.ts')).href);
  const sim = new core.Simulator();
  function* proc(): Generator<unknown, void, unknown> {
    for (let e = 0; e < nE; e++) yield sim.timeout(rnd());
  }
  for (let p = 0; p < nP; p++) sim.process(proc());
  const t = performance.now();
  sim.run();
  seconds = (performance.now() - t) / 1000;
} else if (variant === 'replay') {
  // The visiting order: every process's cumulative times, merged (untimed, from a stream of its own).
  let s2 = 7;
  const rnd2 = (): number => {
    s2 = (s2 + 0x6d2b79f5) | 0;
    let t = Math.imul(s2 ^ (s2 >>> 15), 1 | s2);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const times = new Float64Array(nP * nE);
  const who = new Int32Array(nP * nE);
  for (let p = 0; p < nP; p++) {
    let c = 0;
    for (let e = 0; e < nE; e++) {
      c += rnd2();
      times[p * nE + e] = c;
      who[p * nE + e] = p;
    }
  }
  const idx = Uint32Array.from({ length: nP * nE }, (_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const order = Int32Array.from(idx, (i) => who[i]!);
  // An object of the kernel's event shape, so allocation costs the same.
  class Ev {
    _state = 1;
    _ok = true;
    _defused = false;
    _first: unknown = null;
    _more: unknown = null;
    constructor(
      readonly sim: unknown,
      public _value: unknown,
    ) {}
  }
  function* proc(): Generator<unknown, void, unknown> {
    for (let e = 0; e < nE; e++) yield new Ev(null, rnd());
  }
  const gens = Array.from({ length: nP }, () => proc());
  const t = performance.now();
  let sink = 0;
  for (let i = 0; i < order.length; i++) if (gens[order[i]!]!.next().done === true) sink++;
  seconds = (performance.now() - t) / 1000;
  if (sink < 0) console.log(sink);
} else {
  console.error(`unknown variant ${variant}: kernel or replay`);
  process.exit(2);
}
console.log(
  `${variant} processes=${nP} events=${nP * nE} seconds=${seconds.toFixed(3)} ` +
    `events_per_s=${Math.round((nP * nE) / seconds)}`,
);
