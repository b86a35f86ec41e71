/**
 * Alea, Johannes Baagøe's fast floating-point PRNG (2010), ported line for line from seedrandom's
 * `lib/alea.js` (seedrandom 3.0.5, MIT). Why a port instead of importing seedrandom: design.md §1
 * forbids npm imports in `core/`, and owning the state lets `Rng.fork` stay pure (a child is seeded
 * from a label, never by drawing from the parent). A test checks this port bit for bit against
 * seedrandom's alea, so it is the same generator the project names as a dependency. About 10 ns a draw.
 */

/** Baagøe's Mash string hash, used only for seeding. Returns a closure with running state. */
function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data: string): number => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000; // 2^32
    }
    return (n >>> 0) * 2.3283064365386963e-10; // 2^-32
  };
}

/** The Alea generator state. `next()` returns a double in [0, 1) with 32 bits of randomness. */
export class Alea {
  private s0: number;
  private s1: number;
  private s2: number;
  private c = 1;

  /** Seeds the generator from a string exactly as seedrandom's `alea(seed)` does. */
  constructor(seed: string) {
    const m = mash();
    this.s0 = m(' ');
    this.s1 = m(' ');
    this.s2 = m(' ');
    this.s0 -= m(seed);
    if (this.s0 < 0) this.s0 += 1;
    this.s1 -= m(seed);
    if (this.s1 < 0) this.s1 += 1;
    this.s2 -= m(seed);
    if (this.s2 < 0) this.s2 += 1;
  }

  /**
   * Writes the state `new Alea(seed)` starts from into `out[at .. at + 3]` as (s0, s1, s2, c), for
   * generators kept side by side in one typed array (`NormalStreams`: no object per stream).
   */
  static seedInto(seed: string, out: Float64Array, at: number): void {
    const a = new Alea(seed);
    out[at] = a.s0;
    out[at + 1] = a.s1;
    out[at + 2] = a.s2;
    out[at + 3] = a.c;
  }

  /** Next double in [0, 1), 32-bit resolution. */
  next(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    return (this.s2 = t - this.c);
  }

  /** Next double in [0, 1) with 53 bits of randomness (two draws), as seedrandom's `double()`. */
  double(): number {
    return this.next() + ((this.next() * 0x200000) | 0) * 1.1102230246251565e-16; // 2^-53
  }
}
