/**
 * Type-level tests of the schedule contract (checked by `npm run typecheck`; at run time only the
 * identity of `defineSchedule` and the registry's shape are checked).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { FileOptionValue, OptimizerSpec as CoreOptimizerSpec } from '../../src/core/options.ts';
import type { ProcessGenerator } from '../../src/core/process.ts';
import { SCHEDULES } from '../../src/schedules/index.ts';
import { asyncPs } from '../../src/schedules/async-ps.ts';
import type { OptimizerSpec } from '../../src/schedules/lib/trainer.ts';
import { defineSchedule } from '../../src/schedules/types.ts';
import type { OptionsOf, RunShape, ScheduleDefinition } from '../../src/schedules/types.ts';

/** One option of every kind (but compressor, whose registry is empty), with and without defaults. */
const fixture = defineSchedule({
  name: 'fixture',
  summary: 'every option kind',
  reference: 'none',
  semantics: 'synchronous',
  options: {
    steps: { type: 'number', integer: true, min: 1, default: 4, description: 'with a default' },
    bound: { type: 'number', min: 0, description: 'optional, absent means off' },
    need: { type: 'number', required: true, description: 'required' },
    bucket: { type: 'quantity', dimension: 'size', greaterThan: 0, description: 'optional quantity' },
    every: { type: 'quantity', dimension: 'duration', default: '1 s', description: 'quantity with a default' },
    on: { type: 'boolean', default: true, description: 'a switch' },
    scaling: { type: 'enum', values: ['none', 'staleness'], default: 'none', description: 'an enum' },
    algorithm: { type: 'collective', op: 'all-reduce', default: 'ring', description: 'a collective' },
    trace: { type: 'file', required: true, description: 'a file' },
    outer: {
      type: 'optimizer',
      default: { kind: 'nesterov', lr: 0.7, options: { momentum: 0.9 } },
      description: 'an optimizer',
    },
  },
  check(o, shape) {
    expectTypeOf(o.steps).toEqualTypeOf<number>();
    expectTypeOf(shape).toEqualTypeOf<RunShape>();
    // @ts-expect-error an option the schedule does not declare
    void o.stepz;
    return o.steps > shape.workers ? [`steps must be <= ${shape.workers}, got ${o.steps}`] : [];
  },
  *start(ctx, o): ProcessGenerator<void> {
    // @ts-expect-error an enum option is its literal union, not any string
    const s: 'none' | 'other' = o.scaling;
    void s;
    yield ctx.sim.timeout(ctx.sim.now);
  },
});

type O = OptionsOf<typeof fixture.options>;

describe('OptionsOf', () => {
  it('types each option from its descriptor', () => {
    expectTypeOf<O['steps']>().toEqualTypeOf<number>();
    expectTypeOf<O['bound']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<O['need']>().toEqualTypeOf<number>();
    expectTypeOf<O['bucket']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<O['every']>().toEqualTypeOf<number>();
    expectTypeOf<O['on']>().toEqualTypeOf<boolean>();
    expectTypeOf<O['scaling']>().toEqualTypeOf<'none' | 'staleness'>();
    expectTypeOf<O['algorithm']>().toEqualTypeOf<string>();
    expectTypeOf<O['trace']>().toEqualTypeOf<FileOptionValue>();
    expectTypeOf<O['outer']>().toEqualTypeOf<OptimizerSpec>();
    expectTypeOf<keyof O>().toEqualTypeOf<
      'steps' | 'bound' | 'need' | 'bucket' | 'every' | 'on' | 'scaling' | 'algorithm' | 'trace' | 'outer'
    >();
  });

  it('rejects unknown option names and values of the wrong type', () => {
    // @ts-expect-error an option the schedule does not declare
    expectTypeOf<O['stepz']>().toBeNever();
    const wrong: O = {
      // @ts-expect-error a number option is not a string
      steps: '4',
      bound: undefined,
      need: 1,
      bucket: undefined,
      every: 1,
      on: true,
      // @ts-expect-error not one of the enum's values
      scaling: 'stale',
      algorithm: 'ring',
      trace: { path: 'x', text: '' },
      outer: { kind: 'sgd', options: {} },
    };
    void wrong;
    defineSchedule({
      name: 'bad',
      summary: '',
      reference: '',
      semantics: 'synchronous',
      // @ts-expect-error a number option's default must be a number
      options: { steps: { type: 'number', default: 'four', description: '' } },
      start: () => (function* () {})(),
    });
  });

  it('makes the trainer take the optimizer option as declared in core', () => {
    expectTypeOf<OptimizerSpec>().toEqualTypeOf<CoreOptimizerSpec>();
  });

  it('types a registered schedule (async-ps) from its descriptors', () => {
    type Ps = Parameters<NonNullable<typeof asyncPs.check>>[0];
    expectTypeOf<Ps['shards']>().toEqualTypeOf<number>();
    expectTypeOf<Ps['lrScaling']>().toEqualTypeOf<'none' | 'staleness'>();
  });
});

describe('defineSchedule and the registry', () => {
  it('is the identity, and a typed definition is still a ScheduleDefinition', () => {
    const plain: ScheduleDefinition = fixture;
    const registry: Readonly<Record<string, ScheduleDefinition>> = { ...SCHEDULES, [fixture.name]: fixture };
    expect(plain).toBe(fixture);
    expect(registry['fixture']).toBe(fixture);
    const shape = { workers: 8, nodes: 1, gpusPerNode: [8] };
    expect(fixture.check?.({ steps: 9 } as O, shape)).toEqual(['steps must be <= 8, got 9']);
  });
});
