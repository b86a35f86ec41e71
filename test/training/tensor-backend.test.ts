import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import {
  backendFailures,
  backendName,
  explicitTranspose,
  initBackend,
  tfjs,
} from '../../src/training/tensor-backend.ts';
import { GradientEngine } from '../../src/training/engine/gradient-engine.ts';
import { makeSnapshot } from '../../src/training/engine/snapshot.ts';
import { cnn } from '../../src/training/models/cnn.ts';
import { mlp } from '../../src/training/models/mlp.ts';
import { maxRelDiff, randomBatch, randomParams } from './engine/fixtures.ts';

// A user may have tfjs-node(-gpu) installed; then it may legitimately win the selection.
const require = createRequire(import.meta.url);
const nativeInstalled = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some((p) => {
  try {
    require.resolve(p);
    return true;
  } catch {
    return false;
  }
});

// One file, one process (vitest forks): these tests switch the global tfjs backend, in order.
describe('tensor backend selection', () => {
  it('refuses tensor work before initBackend and reports no backend', () => {
    expect(backendName()).toBeNull();
    expect(() => tfjs()).toThrow(/await initBackend/);
  });

  it('falls back past tfjs-node(-gpu) to wasm with SIMD here, and says why', async () => {
    // tfjs-node cannot be installed on these machines (spec/tooling.md); wasm must not silently be cpu.
    const name = await initBackend();
    if (nativeInstalled) {
      // Native bindings present: any of them or wasm is right, never the 50× slower cpu fallback.
      expect(['tfjs-node-gpu', 'tfjs-node', 'wasm']).toContain(name);
      await initBackend('wasm');
      return;
    }
    expect(name).toBe('wasm');
    expect(backendName()).toBe('wasm');
    expect(tfjs().getBackend()).toBe('wasm');
    expect(tfjs().env().getBool('WASM_HAS_SIMD_SUPPORT')).toBe(true);
    expect(explicitTranspose()).toBe(true);
    expect(backendFailures().map((f) => f.split(':')[0])).toEqual(['tfjs-node-gpu', 'tfjs-node']);
    expect(await initBackend()).toBe('wasm'); // idempotent
  });

  it('computes the same gradients on cpu as on wasm (including the CNN run as 3-D ops on wasm)', async () => {
    const models = [mlp([12], 9, 4), cnn({ imageSize: 8, filters: [2, 3], kernel: 3, numClasses: 4 })];
    const grads = (): Float32Array[] =>
      models.map(
        (m) =>
          new GradientEngine(m).request(makeSnapshot(0, randomParams(m, 'x', 0.4)), randomBatch(m, 6, 'x')).value()
            .grad,
      );
    const onWasm = grads();
    expect(await initBackend('cpu')).toBe('cpu');
    expect(explicitTranspose()).toBe(false);
    const onCpu = grads();
    onWasm.forEach((g, i) => expect(maxRelDiff(g, onCpu[i]!)).toBeLessThan(1e-5));
    expect(await initBackend('wasm')).toBe('wasm');
  });
});
