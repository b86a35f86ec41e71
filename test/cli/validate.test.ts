import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateCommand } from '../../src/cli/commands/validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'dtsim-validate-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function run(args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
  let out = '';
  let err = '';
  const before = process.exitCode;
  const cmd = validateCommand({ out: (t) => (out += t), err: (t) => (err += t) });
  cmd.exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  const code = process.exitCode === undefined ? undefined : Number(process.exitCode);
  process.exitCode = before;
  return { out, err, code };
}

afterEach(() => {
  process.exitCode = undefined;
});

const GOOD = 'name: good\ncluster: { nodes: [{ count: 2, gpusPerNode: 4, gpu: A100-80GB }] }\n';

describe('dtsim validate', () => {
  it('prints ok with the run and worker counts for a good file', async () => {
    const r = await run([file('good.yaml', GOOD)]);
    expect(r.out).toBe(`ok ${join(dir, 'good.yaml')}: 1 run, 8 workers\n`);
    expect(r.code).toBeUndefined();
  });

  it('counts sweep points and the range of worker counts', async () => {
    // Block style: in a flow mapping, [ and ] in a plain key would need quotes.
    const r = await run([file('sweep.yaml', `${GOOD}sweep:\n  cluster.nodes[0].count: [1, 4]\n  seed: [1, 2]\n`)]);
    expect(r.out).toMatch(/: 4 runs, 4–16 workers\n$/);
  });

  it('prints every problem of every bad file with file:line:col and sets exit code 1', async () => {
    const bad = file(
      'bad.yaml',
      'name: bad\ncluster: { nodes: [{ gpu: A100 }] }\ntraining: { schedule: { kind: hogwild } }\n',
    );
    const good = file('good2.yaml', GOOD);
    const r = await run([bad, good]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^ok .*good2\.yaml: 1 run, 8 workers$/m);
    expect(r.err).toContain(`invalid scenario ${bad} (2 problems):`);
    expect(r.err).toContain(`${bad}:2:27: cluster.nodes[0].gpu: unknown GPU "A100"`);
    expect(r.err).toContain(
      `${bad}:3:31: training.schedule.kind: unknown schedule "hogwild"; known: sync-allreduce, async-ps, local-sgd, ssp, dc-asgd`,
    );
  });

  it("reports a schedule's own check against the cluster at its option, with the other errors", async () => {
    // GOOD has 2 × 4 = 8 GPUs; async-ps co-locates each shard's server on a worker.
    const text = `${GOOD}workload: { batchSize: 0 }\ntraining: { schedule: { kind: async-ps, shards: 9 } }\n`;
    const f = file('shards.yaml', text);
    const r = await run([f]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`invalid scenario ${f} (2 problems):`);
    expect(r.err).toContain(`${f}:3:24: workload.batchSize: got 0; expected an integer >= 1`);
    expect(r.err).toContain(
      `${f}:4:49: training.schedule.shards: shards must be an integer in [1, 8] ` +
        '(servers are co-located on ranks 0..k-1), got 9',
    );
  });

  it('applies --set overrides and names them in errors', async () => {
    const f = file('set.yaml', GOOD);
    expect((await run([f, '--set', 'training.schedule.kind=async-ps'])).code).toBeUndefined();
    const r = await run([f, '--set', 'workload.batchSize=0']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--set workload.batchSize=0: workload.batchSize: got 0; expected an integer >= 1');
  });

  it('reports a JSON syntax error with its line and column', async () => {
    const f = file('bad.json', '{\n  "name": "x",\n  "cluster": { "nodes": [ { "gpu": "T4" }, ] }\n}\n');
    const r = await run([f]);
    expect(r.err).toContain(
      `${f}:3:44: invalid JSON: Unexpected token ']'; expected another element (JSON allows no trailing comma)`,
    );
  });

  it('validates without loading TensorFlow.js', () => {
    const f = file('tf.yaml', `${GOOD}workload: { model: { kind: cnn }, timing: { kind: profile, name: resnet50 } }\n`);
    const hooks = `export async function resolve(s, c, next) { if (s.startsWith('@tensorflow/')) throw new Error('loaded ' + s); return next(s, c); }`;
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
      const { register: tsx } = await import('tsx/esm/api');
      tsx();
      const { validateFiles } = await import('./src/cli/commands/validate.ts');
      const failed = await validateFiles([${JSON.stringify(f)}], {}, { out: (t) => process.stdout.write(t), err: (t) => process.stdout.write(t) });
      console.log('failed', failed);
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: resolve(import.meta.dirname, '../..'),
      encoding: 'utf8',
    });
    expect(out).toMatch(/^ok .*tf\.yaml: 1 run, 8 workers\nfailed 0\n$/);
  });

  it('validates every shipped scenario, formulas included, without loading mathjs', () => {
    // ESM imports of mathjs fail outright; CommonJS requires (how dtsim loaded it lazily until formulas
    // got their own parser) are recorded. local-sgd-period has a formula: learningRate: "0.05 * workers / 8".
    const files = readdirSync(resolve(import.meta.dirname, '../../scenarios'))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => `scenarios/${f}`);
    expect(files).toContain('scenarios/local-sgd-period.yaml');
    const hooks = `export async function resolve(s, c, next) { if (s === 'mathjs' || s.startsWith('mathjs/')) throw new Error('imported ' + s); return next(s, c); }`;
    const script = `
      import { register, default as Module } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
      const load = Module._load;
      const required = [];
      Module._load = function (request, ...rest) {
        if (request === 'mathjs' || request.startsWith('mathjs/')) required.push(request);
        return load.call(this, request, ...rest);
      };
      const { register: tsx } = await import('tsx/esm/api');
      tsx();
      const { validateFiles } = await import('./src/cli/commands/validate.ts');
      const io = { out: (t) => process.stdout.write(t), err: (t) => process.stdout.write(t) };
      for (const f of ${JSON.stringify(files)}) {
        await validateFiles([f], {}, io);
        console.log('mathjs:', required.join(',') || 'none');
      }
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: resolve(import.meta.dirname, '../..'),
      encoding: 'utf8',
    });
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2 * files.length);
    files.forEach((f, i) => {
      expect(lines[2 * i]).toMatch(new RegExp(`^ok ${f.replace('.', '\\.')}: `));
      expect(lines[2 * i + 1], f).toBe('mathjs: none');
    });
  });
});
