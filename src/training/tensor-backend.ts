/**
 * The one door to TensorFlow.js. This is the only file in dtsim that loads `@tensorflow/*` values
 * (design.md §1); everything else names tfjs types with `import type` and reaches the library through
 * `tfjs()` after `initBackend()` has resolved.
 *
 * Loading is lazy (dynamic `import()`), so `dtsim --help`, `list` and `validate` never pay for the
 * ~300 MB library. Backends are tried in the order tfjs-node-gpu, tfjs-node, wasm (SIMD), cpu:
 * - tfjs-node(-gpu) cannot be installed on our machines; a package can even resolve and still throw
 *   "tfjs_binding.node can not be found" when imported, so each is imported inside try/catch;
 * - `tf.setBackend` resolves to `false` (and tfjs quietly falls back to cpu) when a backend fails to
 *   start, so its result is checked and the name actually active is what we report.
 */
import type * as TF from '@tensorflow/tfjs';

/** Backends dtsim knows how to start, fastest first. */
export type BackendChoice = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

/** The order `initBackend()` tries when no preference is given. */
export const BACKEND_ORDER: readonly BackendChoice[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

let tfModule: typeof TF | null = null;
let chosen: BackendChoice | null = null;
let pending: Promise<BackendChoice> | null = null;
const failures: string[] = [];

async function loadTf(): Promise<typeof TF> {
  if (tfModule === null) {
    tfModule = await import('@tensorflow/tfjs');
    // Prod mode drops tfjs's per-op debug checks and the cpu backend's console banner.
    tfModule.enableProdMode();
  }
  return tfModule;
}

// Each attempt returns the tfjs backend name to activate, or throws with the reason it is unusable.
async function prepare(choice: BackendChoice): Promise<string> {
  switch (choice) {
    case 'tfjs-node-gpu':
      // The package path is built at run time so bundlers and type checkers do not require it.
      await import(['@tensorflow', 'tfjs-node-gpu'].join('/'));
      return 'tensorflow';
    case 'tfjs-node':
      await import(['@tensorflow', 'tfjs-node'].join('/'));
      return 'tensorflow';
    case 'wasm':
      // Registers the backend. In Node the .wasm binaries are read from the package's dist/ folder
      // next to the loader, so no download and no setWasmPaths are needed; SIMD is detected there.
      await import('@tensorflow/tfjs-backend-wasm');
      return 'wasm';
    case 'cpu':
      return 'cpu';
  }
}

async function tryStart(tf: typeof TF, choice: BackendChoice): Promise<boolean> {
  try {
    const name = await prepare(choice);
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (ok && tf.getBackend() === name) return true;
    failures.push(`${choice}: setBackend('${name}') returned ${String(ok)}, active is ${tf.getBackend()}`);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    failures.push(`${choice}: ${msg.split('\n')[0] ?? msg}`);
  }
  return false;
}

/**
 * Loads TensorFlow.js and activates the fastest backend that starts, or `preferred` if given.
 * Idempotent: later calls return the backend chosen by the first (a different `preferred` on a later
 * call switches to it if it can start). A preference that cannot start falls back along the usual
 * order after it, and the reasons are kept in `backendFailures()`.
 * @returns the name of the backend now active.
 * @throws Error if not even the cpu backend starts.
 */
export async function initBackend(preferred?: BackendChoice): Promise<BackendChoice> {
  if (chosen !== null && (preferred === undefined || preferred === chosen)) return chosen;
  if (pending !== null) {
    await pending;
    if (preferred === undefined || preferred === chosen) return chosen!;
  }
  const run = async (): Promise<BackendChoice> => {
    const tf = await loadTf();
    const start = preferred === undefined ? 0 : BACKEND_ORDER.indexOf(preferred);
    for (const choice of BACKEND_ORDER.slice(start)) {
      if (await tryStart(tf, choice)) {
        chosen = choice;
        return choice;
      }
    }
    throw new Error(`no TensorFlow.js backend could start:\n  ${failures.join('\n  ')}`);
  };
  pending = run();
  try {
    return await pending;
  } finally {
    pending = null;
  }
}

/** The backend chosen by `initBackend()`, or `null` before it has resolved. */
export function backendName(): BackendChoice | null {
  return chosen;
}

/** Why each backend tried before the active one was skipped (empty when the first choice started). */
export function backendFailures(): readonly string[] {
  return failures;
}

/**
 * The loaded TensorFlow.js namespace, for the training code's synchronous tensor work.
 * @throws Error if `initBackend()` has not resolved yet.
 */
export function tfjs(): typeof TF {
  if (tfModule === null || chosen === null) {
    throw new Error('TensorFlow.js is not ready: await initBackend() before computing gradients');
  }
  return tfModule;
}

/**
 * True when matmuls with a transposed operand should transpose explicitly first. On wasm the
 * transposeA/transposeB flags leave XNNPACK and run ~5× slower (spec/tooling.md); on cpu the explicit
 * transpose is the slower choice, and native TensorFlow handles the flags itself.
 */
export function explicitTranspose(): boolean {
  return chosen === 'wasm';
}

/** Live tensor count of the tfjs engine, for leak checks. 0 before the library is loaded. */
export function liveTensors(): number {
  return tfModule === null ? 0 : tfModule.memory().numTensors;
}
