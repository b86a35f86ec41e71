import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/dtsim.js');
const dtsim = (...args: string[]): string => execFileSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('dtsim program', () => {
  it('prints usage with the implemented commands for --help', () => {
    const out = dtsim('--help');
    expect(out).toMatch(/Usage: dtsim/);
    expect(out).toMatch(/collective/);
    expect(out).toMatch(/--backend/);
  });

  it('names the version and the tensor backend for --version, honouring --backend', () => {
    expect(dtsim('--version')).toMatch(/^dtsim \d+\.\d+\.\d+ \(tensor backend: (tfjs-node-gpu|tfjs-node|wasm)/);
    expect(dtsim('--version', '--backend', 'cpu')).toMatch(/tensor backend: cpu\)/);
  });

  it('rejects an unknown backend with the allowed choices', () => {
    expect(() =>
      execFileSync(process.execPath, [BIN, '--backend', 'gpu'], { encoding: 'utf8', stdio: 'pipe' }),
    ).toThrow(/Allowed choices are tfjs-node-gpu, tfjs-node, wasm, cpu/);
  });
});
