/**
 * The shared-memory buffers of the helper thread's task slots: per slot and name, grown on demand with
 * headroom and reused across tasks, so posting a task copies its inputs and allocates nothing.
 */
import { readSnapshot, type ParamSnapshot } from './snapshot.ts';

/** A slot's buffers by what they hold. */
export type BufferName = 'params' | 'x' | 'y' | 'w' | 'grad' | 'rowLoss' | 'pred' | 'finite';

/** Buffers of `slots` task slots. */
export class SlotBuffers {
  private readonly bufs: Map<BufferName, SharedArrayBuffer>[];

  constructor(slots: number) {
    this.bufs = Array.from({ length: slots }, () => new Map());
  }

  /** Slot `slot`'s buffer `name` as last sized. @throws Error when it was never made. */
  get(slot: number, name: BufferName): SharedArrayBuffer {
    const b = this.bufs[slot]!.get(name);
    if (b === undefined) throw new Error(`slot ${slot} has no ${name} buffer`);
    return b;
  }

  /** Slot `slot`'s buffer `name` of at least `bytes` bytes. */
  buffer(slot: number, name: BufferName, bytes: number): SharedArrayBuffer {
    const bufs = this.bufs[slot]!;
    let b = bufs.get(name);
    if (b === undefined || b.byteLength < bytes) {
      // Grow with headroom so that slowly growing passes do not reallocate every time.
      b = new SharedArrayBuffer(Math.max(bytes, Math.ceil((b?.byteLength ?? 0) * 1.5)));
      bufs.set(name, b);
    }
    return b;
  }

  // A snapshot is read piece by piece (snapshot.ts), so a pieced one is never flattened here.
  fillParams(slot: number, size: number, params: Float32Array | ParamSnapshot): SharedArrayBuffer {
    if (params instanceof Float32Array) return this.fill(slot, 'params', params.subarray(0, size), Float32Array);
    const b = this.buffer(slot, 'params', size * 4);
    readSnapshot(params, 0, size, new Float32Array(b, 0, size));
    return b;
  }

  /** Slot `slot`'s buffer `name` holding a copy of `src`. */
  fill<T extends Float32Array | Int32Array>(
    slot: number,
    name: BufferName,
    src: T,
    kind: { new (b: SharedArrayBuffer): T },
  ): SharedArrayBuffer {
    const b = this.buffer(slot, name, src.byteLength);
    new kind(b).set(src);
    return b;
  }
}
