#!/usr/bin/env node
// How far the event kernel is from what this machine allows, on the standard DES workload (P processes,
// each waiting E uniform-random timeouts), one fresh process per run, variants interleaved round by round
// so that load from other processes falls on all of them alike. Prints medians [min–max] in events/s
// and, with --simpy, each variant's median over SimPy's.
//
//   dtsim    the kernel in src/core
//   fifo     the same kernel with its agenda replaced by a FIFO list: events come out in the wrong
//            order, but the agenda costs nothing. No correct agenda can be faster than this, so it is
//            the ceiling of the kernel's events, waiters and processes as they are.
//   replay   no kernel: the generators resumed in time order (precomputed), one event-shaped object
//            allocated per yield. The floor of any SimPy-style kernel (generators and event objects).
//   simpy    SimPy 4.1.2 under python3, with --simpy <its src folder> (not part of this project).
//
// Usage: node bench/kernel-ceiling.mjs [--runs N] [--work 1000x1000,10000x100] [--simpy DIR]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

const FIFO_QUEUE = `// FIFO agenda for bench/kernel-ceiling.mjs: wrong order, no cost. Never used by dtsim.
export const MAX_PRIORITY = 511;
export class EventQueue<T> {
  private items: (T | undefined)[] = [];
  private times: number[] = [0.5];
  private h = 0;
  poppedTime = NaN;
  constructor(_n = 16) { this.times.pop(); }
  get length(): number { return this.items.length - this.h; }
  push(time: number, _p: number, item: T): void { this.items.push(item); this.times.push(time); }
  peekTime(): number { return this.length === 0 ? Infinity : this.times[this.h]!; }
  peek(): T | undefined { return this.items[this.h]; }
  pop(): T {
    const i = this.h++;
    const x = this.items[i] as T;
    this.items[i] = undefined;
    this.poppedTime = this.times[i]!;
    if (this.h > 65536 && this.h * 2 > this.items.length) {
      this.items = this.items.slice(this.h);
      this.times = this.times.slice(this.h);
      this.h = 0;
    }
    return x;
  }
}
`;

function parseArgs(argv) {
  const o = { runs: 5, work: ['1000x1000', '10000x100'], simpy: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (argv[i + 1] === undefined) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--runs') o.runs = Number(v());
    else if (a === '--work') o.work = v().split(',');
    else if (a === '--simpy') o.simpy = resolve(v());
    else throw new Error(`unknown option ${a}; usage: [--runs N] [--work PxE,...] [--simpy DIR]`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs must be a positive integer');
  for (const w of o.work) if (!/^\d+x\d+$/.test(w)) throw new Error(`--work takes PxE items, got ${w}`);
  return o;
}

function eventsPerS(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  const m = /events_per_s=(\d+)/.exec(r.stdout ?? '');
  if (r.status !== 0 || m === null) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mps = (x) => (x / 1e6).toFixed(2);

function main() {
  const o = parseArgs(process.argv.slice(2));
  const tmp = mkdtempSync(join(tmpdir(), 'dtsim-ceiling-'));
  try {
    const fifoCore = join(tmp, 'core');
    cpSync(join(ROOT, 'src/core'), fifoCore, { recursive: true });
    writeFileSync(join(fifoCore, 'event-queue.ts'), FIFO_QUEUE);
    const workload = join(ROOT, 'bench/kernel-workload.mts');
    const variants = [
      ...(o.simpy === null
        ? []
        : [
            {
              name: 'simpy',
              run: (p, e) =>
                eventsPerS('python3', [join(ROOT, 'bench/simpy-workload.py'), o.simpy, String(p), String(e)]),
            },
          ]),
      { name: 'dtsim', run: (p, e) => eventsPerS(process.execPath, [TSX, workload, 'kernel', 'src/core', p, e]) },
      { name: 'fifo', run: (p, e) => eventsPerS(process.execPath, [TSX, workload, 'kernel', fifoCore, p, e]) },
      { name: 'replay', run: (p, e) => eventsPerS(process.execPath, [TSX, workload, 'replay', '-', p, e]) },
    ];
    for (const w of o.work) {
      const [p, e] = w.split('x');
      const got = new Map(variants.map((v) => [v.name, []]));
      for (let r = 0; r < o.runs; r++) {
        // Alternate the order from round to round.
        const order = r % 2 === 0 ? variants : [...variants].reverse();
        for (const v of order) got.get(v.name).push(v.run(p, e));
      }
      const base = o.simpy === null ? null : median(got.get('simpy'));
      console.log(`\n${p} processes × ${e} timeouts, ${o.runs} runs each, M events/s: median [min–max]`);
      for (const v of variants) {
        const xs = got.get(v.name);
        const ratio = base === null ? '' : `   ${(median(xs) / base).toFixed(2)}× SimPy`;
        console.log(
          `  ${v.name.padEnd(7)} ${mps(median(xs)).padStart(6)} [${mps(Math.min(...xs))}–${mps(Math.max(...xs))}]${ratio}`,
        );
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
