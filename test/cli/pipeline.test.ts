/**
 * `dtsim pipeline` in-process: the grid is the 1F1B picture of the papers, the summary carries F1's
 * bubble and F5's activations, and bad input fails with a clear message.
 */
import { describe, expect, it } from 'vitest';
import { pipelineCommand } from '../../src/cli/commands/pipeline.ts';
import { buildProgram } from '../../src/cli/program.ts';

async function run(args: string[]): Promise<string> {
  let out = '';
  const cmd = pipelineCommand({ write: (t) => (out += t) });
  cmd.exitOverride();
  cmd.configureOutput({ writeErr: () => undefined });
  await cmd.parseAsync(args, { from: 'user' });
  return out;
}

describe('dtsim pipeline', () => {
  it('draws 1F1B on 2 stages as the papers do and prints F1 bubble and F5 activations', async () => {
    const out = await run(['1f1b', '--stages', '2', '--micro-batches', '3']);
    // t_F = 1, t_B = 2: T = (M+S−1)(t_F+t_B) = 12, bubble (S−1)/(M+S−1) = 1/4; stage 0 holds 2, stage 1 one.
    expect(out).toBe(
      [
        '# dtsim pipeline: 1f1b, 2 stages, 3 micro-batches, 1 chunk per rank; t_F=1 t_B=2',
        // Stage 0 waits two slots for stage 1's B0 ([2,4)); stage 1 idles while stage 0 drains.
        'stage 0 | F0 F1 .  .  B0 B0 F2 B1 B1 .  B2 B2',
        'stage 1 | .  F0 B0 B0 F1 B1 B1 F2 B2 B2 .  .',
        'makespan: 12',
        'bubble fraction: 0.2500',
        'peak activations per stage: 2 1',
        '',
      ].join('\n'),
    );
  });

  it('labels chunks and split backwards, and takes op times and hops', async () => {
    const inter = await run(['interleaved-1f1b', '-s', '4', '-m', '8', '-v', '2']);
    // F3: (p−1)/(v·m+p−1) = 3/19; §24.2: rank 0 holds 2(p−1)+(v−1)p+1 = 11 chunk-micro-batches.
    expect(inter).toMatch(/F0\.1/);
    expect(inter).toMatch(/bubble fraction: 0\.1579\n/);
    expect(inter).toMatch(/peak activations per stage \(chunk-micro-batches\): 11 9 7 5\n/);
    const zb = await run(['zb-h1', '-s', '4', '-m', '8', '--tf', '1', '--ti', '1', '--tw', '1']);
    expect(zb).toMatch(/t_F=1 t_I=1 t_W=1/);
    expect(zb).toMatch(/ I0 W0 /);
    expect(zb).toMatch(/makespan: 27\n/); // 8·3 + (4−1)(1+1−1)
    const comm = await run(['gpipe', '-s', '4', '-m', '6', '--comm', '0.5']);
    expect(comm).toMatch(/makespan: 30\n/); // (6+3)·3 + 2·3·0.5
  });

  it('draws an asynchronous pipeline as its stream’s first M micro-batches, saying when weights step', async () => {
    const out = await run(['pipedream', '-s', '2', '-m', '3']);
    const flush = await run(['1f1b', '-s', '2', '-m', '3']);
    expect(out).toMatch(/asynchronous, no flush: the stream's first 3 micro-batches .*τ = p − 1 − s/);
    // The window's grid is 1F1B's: the stream and 1F1B run the same order until a flush would come.
    const grid = (t: string): string =>
      t
        .split('\n')
        .filter((l) => /^stage/.test(l))
        .join('\n');
    expect(grid(out)).toBe(grid(flush));
    expect(grid(out)).not.toBe('');
  });

  it('fails clearly on bad input and is registered with the program', async () => {
    await expect(run(['1f1b', '-s', '0', '-m', '4'])).rejects.toThrow(/--stages must be an integer >= 1, got 0/);
    await expect(run(['gpipe', '-s', '2', '-m', '4', '--tf', 'x'])).rejects.toThrow(/--tf must be a number >= 0/);
    await expect(run(['interleaved-1f1b', '-s', '4', '-m', '6', '-v', '2'])).rejects.toThrow(/multiple of the stages/);
    await expect(run(['pipedream-3', '-s', '2', '-m', '2'])).rejects.toThrow(/invalid/);
    await expect(run(['pipedream', '-s', '2', '-m', '2', '-v', '2'])).rejects.toThrow(/one chunk per rank/);
    expect(buildProgram().commands.map((c) => c.name())).toContain('pipeline');
  });
});
