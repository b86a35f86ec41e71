/**
 * The simulator's agenda: a calendar queue (R. Brown, "Calendar queues", CACM 31(10), 1988) keyed by
 * (time, priority, sequence). The sequence is a rising counter, so entries with equal time and
 * priority come out first-in first-out and every run is repeatable.
 *
 * Why not a binary heap: a heap's pop sifts through log2(n) levels with a coin-flip branch at each,
 * about 140 ns at 1,000 pending events on our machines; the calendar queue does O(1) expected work per
 * operation (about 55 ns there), which is what lets the kernel beat SimPy by 10×.
 *
 * Layout: `nb` buckets (a power of two), each covering a time slice of width `w`; event time t goes
 * to "virtual bucket" vb = floor(t / w) and to physical bucket vb mod nb. Each bucket is a doubly
 * linked list of nodes sorted ascending by (time, order), with a head and a tail, so appending an
 * event that is later than everything in its bucket (the usual case, and every same-time FIFO append)
 * is O(1), and an earlier one walks back from the tail past exactly the entries that are later.
 * The nodes live in one pool of typed arrays indexed by node id, not in a pair of JS arrays per
 * bucket: with 10,000 pending events (8,192–16,384 buckets) the per-bucket arrays put every access
 * behind two pointers to random places in a heap of several megabytes, and the queue ran cache-miss
 * bound (about 2.4 M events/s against 9.5 M at 1,000 events). At 10,000 events the pool is about
 * half a megabyte and fits in L2, and a last-in first-out free list hands the node just popped to the
 * next push, which is still in cache. Interleaving next and prev in one array measured no different.
 * The scan position `cur` is a virtual bucket; an entry is due when floor(t / w) <= cur. The width
 * is re-estimated from the gaps between the earliest events whenever the bucket count doubles or
 * halves (Brown's rule: 3 × the mean gap, ignoring gaps over twice the mean), and also whenever the
 * queue has done more than 4 units of work (shifts plus skipped buckets) per pop over the last nb pops,
 * which catches a distribution that drifted since the last resize. The count doubles as soon as the
 * queue holds more than 2·nb entries, but halves (below nb/4 entries) only at the end of a window of
 * nb pops, and only if that window did more than 2 units of work per pop or the queue is nearly
 * empty: hysteresis, so that a queue filling up and draining in phases does not resize both ways in
 * every phase.
 * Priority and sequence are packed as `priority · 2^44 + seq`, exact while seq < 2^44.
 */

const PRIORITY_SCALE = 2 ** 44;
/** Largest priority value the key packing supports. */
export const MAX_PRIORITY = 2 ** 9 - 1;
const MIN_BUCKETS = 16;
// Virtual bucket numbers are clamped to ±2^52 so that extreme times (1e308 s, or a tiny width) stay
// finite integers; all clamped entries share a bucket, which is still correct, only slower.
const MAX_VB = 2 ** 52;

// `inv` is 1 / width: a multiply instead of a divide on every insert and seek. Any monotone map from
// time to bucket number is correct as long as insert and seek use the same one, and they both use this.
function vbOf(time: number, inv: number): number {
  const v = Math.floor(time * inv);
  return v < MAX_VB ? (v > -MAX_VB ? v : -MAX_VB) : MAX_VB;
}
const WIDTH_SAMPLE = 64;
const MIN_POOL = 64;
const NIL = -1;

/** Priority queue of items ordered by (time, priority, insertion order). */
export class EventQueue<T> {
  // The node pool. Node i's key is keys[2i] (time) and keys[2i + 1] (order): interleaved so that one
  // cache line serves both halves of a comparison. next/prev link a bucket's nodes; prev is read only
  // by insert's walk back from the tail, which stops at the head, so the head's prev may be stale.
  private keys = new Float64Array(0);
  private next = new Int32Array(0);
  private prev = new Int32Array(0);
  // Grown with push, never pre-sized: `new Array(n)` makes a holey array, slower to load from.
  private items: (T | undefined)[] = [];
  private cap = 0;
  // Nodes below `top` have been handed out at least once; freed ones are chained through `next` from
  // `free` (NIL when none).
  private top = 0;
  private free = NIL;
  // Per bucket: first and last node, NIL when empty.
  private heads = new Int32Array(0);
  private tails = new Int32Array(0);
  // Per bucket: the virtual bucket number of its head entry, +Infinity when empty. Seek scans this one
  // contiguous array instead of following a node per bucket.
  private headVb = new Float64Array(0);
  private nb = 0;
  private mask = 0;
  // NaN, not 0 or 1: V8 gives a field the representation of its first value, and a small integer
  // there turns into a map change (and a deoptimisation of every queue method) the first time the
  // field gets a fraction or a bucket number past 2^31. init() and the first insert set real values.
  private w = NaN;
  private inv = NaN;
  private cur = NaN;
  private ci = 0;
  private n = 0;
  private seq = 0;
  private growAt = 0;
  private shrinkAt = 0;
  // Work done (entries walked past on insert, buckets skipped on seek) since the width was last set,
  // and pops since then. Too much work per pop means the width no longer fits the event spacing.
  private work = 0;
  private pops = 0;
  private budget = 0;

  /** Creates an empty queue. `initialBuckets` is rounded up to a power of two (min 16). */
  constructor(initialBuckets = MIN_BUCKETS) {
    let nb = MIN_BUCKETS;
    while (nb < initialBuckets) nb *= 2;
    this.setPool(MIN_POOL);
    this.init(nb, 1);
  }

  /** Number of entries waiting. */
  get length(): number {
    return this.n;
  }

  /**
   * Adds `item` at `time` with `priority` (lower runs first among equal times).
   * @throws RangeError for a priority outside 0..MAX_PRIORITY or a NaN or infinite time.
   */
  push(time: number, priority: number, item: T): void {
    if (!(priority >= 0 && priority <= MAX_PRIORITY) || !(time > -Infinity && time < Infinity)) {
      throw new RangeError(`bad queue key: time ${time}, priority ${priority}`);
    }
    this.insert(time, priority * PRIORITY_SCALE + this.seq++, item);
    if (++this.n > this.growAt) this.resize(this.nb * 2);
  }

  /** Time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    if (this.n === 0) return Infinity;
    this.seek();
    return this.keys[2 * this.heads[this.ci]!]!;
  }

  /** The earliest entry without removing it, or undefined when empty. */
  peek(): T | undefined {
    if (this.n === 0) return undefined;
    this.seek();
    return this.items[this.heads[this.ci]!];
  }

  /** Time of the entry most recently returned by `pop` (NaN before the first pop). */
  poppedTime = NaN;

  /** Removes and returns the earliest entry; its time is left in `poppedTime`. @throws RangeError when empty. */
  pop(): T {
    if (this.n === 0) throw new RangeError('pop from an empty event queue');
    const heads = this.heads;
    const next = this.next;
    let ci = this.ci;
    // Usually the current bucket's head is due: check it here and call seek only when it is not.
    if (!(this.headVb[ci]! <= this.cur)) {
      this.seek();
      ci = this.ci;
    }
    const h = heads[ci]!;
    this.poppedTime = this.keys[2 * h]!;
    const x = this.items[h] as T;
    this.items[h] = undefined; // drop the reference so processed events can be collected
    const nx = next[h]!;
    heads[ci] = nx;
    if (nx === NIL) {
      this.tails[ci] = NIL;
      this.headVb[ci] = Infinity;
    } else {
      this.headVb[ci] = vbOf(this.keys[2 * nx]!, this.inv);
    }
    next[h] = this.free;
    this.free = h;
    this.n--;
    // Checked once per window of nb pops, or as soon as the window has used up its work budget (4 per
    // pop): a width that puts every entry in one bucket (the initial width of 1 s under thousands of
    // sub-second timeouts) costs O(n) per insert, and waiting out the window made the start quadratic.
    // Either way a resize (O(n log n)) is paid for by at least nb pops or 4·nb units of work. A
    // shrink waits for the window's end too, and happens only when the spare buckets cost scanning
    // work or the queue is nearly empty (under nb/256 entries): a queue that fills up and drains again
    // in lock-step phases (the flow model's ring steps) keeps its buckets instead of resizing down and
    // up in every phase.
    if (++this.pops >= this.nb || this.work > this.budget) {
      if (this.n < this.shrinkAt && (this.work > 2 * this.pops || this.n < this.nb >> 8)) this.resize(this.nb >> 1);
      else if (this.work > 4 * this.pops) this.resize(this.nb);
      this.pops = 0;
      this.work = 0;
    }
    return x;
  }

  private init(nb: number, w: number): void {
    this.nb = nb;
    this.mask = nb - 1;
    this.w = w;
    this.inv = 1 / w;
    this.heads = new Int32Array(nb).fill(NIL);
    this.tails = new Int32Array(nb).fill(NIL);
    this.headVb = new Float64Array(nb).fill(Infinity);
    this.work = 0;
    this.pops = 0;
    this.budget = 4 * nb;
    this.growAt = 2 * nb;
    this.shrinkAt = nb > MIN_BUCKETS ? nb >> 2 : -1;
  }

  // Replaces the pool's arrays with ones of `cap` nodes, keeping the first `top` nodes' keys (the links
  // are kept too, for growth; resize relinks everything anyway).
  private setPool(cap: number): void {
    const keys = new Float64Array(2 * cap);
    const next = new Int32Array(cap);
    const prev = new Int32Array(cap);
    const keep = Math.min(this.top, cap);
    keys.set(this.keys.subarray(0, 2 * keep));
    next.set(this.next.subarray(0, keep));
    prev.set(this.prev.subarray(0, keep));
    this.keys = keys;
    this.next = next;
    this.prev = prev;
    const items = this.items;
    if (items.length > cap) items.length = cap;
    while (items.length < cap) items.push(undefined);
    this.cap = cap;
  }

  private insert(time: number, order: number, item: T): void {
    let node = this.free;
    if (node !== NIL) this.free = this.next[node]!;
    else {
      // Doubling: the pool is copied O(log n) times in all, and only ever while it fills up.
      if (this.top === this.cap) this.setPool(2 * this.cap);
      node = this.top++;
    }
    const keys = this.keys;
    const next = this.next;
    const prev = this.prev;
    keys[2 * node] = time;
    keys[2 * node + 1] = order;
    this.items[node] = item;
    const vb = vbOf(time, this.inv);
    let bi = vb % this.nb; // exact for integer-valued doubles
    if (bi < 0) bi += this.nb;
    if (this.n === 0 || vb < this.cur) {
      this.cur = vb;
      this.ci = bi;
    }
    const tail = this.tails[bi]!;
    if (tail === NIL) {
      next[node] = NIL;
      this.heads[bi] = node;
      this.tails[bi] = node;
      this.headVb[bi] = vb;
      return;
    }
    // Walk back from the tail past the entries later than the new key (usually none): the same entries,
    // and so the same work count, as shifting them up one slot in a sorted array.
    const head = this.heads[bi]!;
    let j = tail;
    for (;;) {
      const pt = keys[2 * j]!;
      if (pt < time || (pt === time && keys[2 * j + 1]! < order)) break;
      this.work++;
      if (j === head) {
        j = NIL;
        break;
      }
      j = prev[j]!;
    }
    if (j === NIL) {
      next[node] = head;
      prev[head] = node;
      this.heads[bi] = node;
      this.headVb[bi] = vb;
    } else {
      const nx = next[j]!;
      next[node] = nx;
      prev[node] = j;
      next[j] = node;
      if (nx === NIL) this.tails[bi] = node;
      else prev[nx] = node;
    }
  }

  // Positions (cur, ci) on the bucket that holds the minimum. Requires n > 0.
  private seek(): void {
    const keys = this.keys;
    const heads = this.heads;
    const inv = this.inv;
    const headVb = this.headVb;
    const mask = this.mask;
    let ci = this.ci;
    let cur = this.cur;
    for (let s = 0; s < this.nb; s++) {
      if (headVb[ci]! <= cur) {
        this.ci = ci;
        this.cur = cur;
        this.work += s;
        return;
      }
      ci = (ci + 1) & mask;
      cur++;
    }
    // A whole year held nothing due: jump straight to the bucket with the smallest head.
    let best = 0;
    let bt = Infinity;
    let bo = Infinity;
    for (let i = 0; i < this.nb; i++) {
      const h = heads[i]!;
      if (h === NIL) continue;
      const t = keys[2 * h]!;
      const o = keys[2 * h + 1]!;
      if (t < bt || (t === bt && o < bo)) {
        bt = t;
        bo = o;
        best = i;
      }
    }
    this.ci = best;
    this.cur = vbOf(bt, inv);
    this.work += 2 * this.nb;
  }

  private resize(nb: number): void {
    const n = this.n;
    const ts = new Float64Array(n);
    const os = new Float64Array(n);
    const its = new Array<T>(n);
    const keys = this.keys;
    const next = this.next;
    let m = 0;
    for (let b = 0; b < this.nb; b++) {
      for (let j = this.heads[b]!; j !== NIL; j = next[j]!) {
        ts[m] = keys[2 * j]!;
        os[m] = keys[2 * j + 1]!;
        its[m] = this.items[j] as T;
        m++;
      }
    }
    // Renumber the pool from zero in bucket order, so that a bucket's nodes (and the buckets a seek
    // visits next) sit next to each other. Slots m..top may still hold live items under their old node
    // ids (the re-inserts overwrite only 0..m-1): clear them, or an item would stay referenced from a
    // stale slot after its pop. The pool shrinks with the queue so that a burst does not pin its peak
    // memory for the rest of the run.
    this.items.fill(undefined, m, this.top);
    this.top = 0;
    this.free = NIL;
    let cap = this.cap;
    while (cap > MIN_POOL && cap >= 4 * m) cap >>= 1;
    if (cap !== this.cap) this.setPool(cap);
    this.init(Math.max(MIN_BUCKETS, nb), this.estimateWidth(ts));
    // The scan position (cur, ci) belongs to the old width and bucket count: re-derive it from the
    // entries themselves. Counting from zero makes the first insert set it and every earlier one lower
    // it (insert's rule), so it ends on the minimum. Keeping the old position let a scan that no longer
    // matched the buckets return a later event before an earlier one.
    this.n = 0;
    for (let i = 0; i < m; i++) {
      this.insert(ts[i]!, os[i]!, its[i]!);
      this.n++;
    }
  }

  // Mean positive gap among the earliest distinct times, outliers (> 2× mean) dropped, times 3.
  // Equal times are skipped: a batch of simultaneous events shares one bucket at O(1) per entry.
  private estimateWidth(times: Float64Array): number {
    const sorted = times.slice().sort();
    const gaps: number[] = [];
    for (let i = 1; i < sorted.length && gaps.length < WIDTH_SAMPLE; i++) {
      const g = sorted[i]! - sorted[i - 1]!;
      if (g > 0) gaps.push(g);
    }
    if (gaps.length === 0) return this.w;
    let sum = 0;
    for (const g of gaps) sum += g;
    const mean = sum / gaps.length;
    let sum2 = 0;
    let cnt2 = 0;
    for (const g of gaps) {
      if (g <= 2 * mean) {
        sum2 += g;
        cnt2++;
      }
    }
    const width = 3 * (cnt2 > 0 ? sum2 / cnt2 : mean);
    return width > 0 && 1 / width < Infinity && width < Infinity ? width : this.w;
  }
}
