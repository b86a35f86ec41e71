/**
 * Test-only schedules for option kinds no registered schedule declares yet. Tests add them to the
 * registry with `vi.mock` of src/schedules/index.ts (the real registry is frozen).
 */
import { defineSchedule } from '../../src/schedules/types.ts';

/** A DiLoCo-like outer optimizer option with its own learning rate. */
export const OUTER_OPTIMIZER = defineSchedule({
  name: 'outer-fixture',
  summary: 'test-only: an optimizer-valued option',
  reference: 'none',
  semantics: 'synchronous',
  options: {
    outer: {
      type: 'optimizer',
      default: { kind: 'nesterov', lr: 0.7, options: { momentum: 0.9 } },
      description: 'outer optimizer',
    },
  },
  start: () => {
    throw new Error('a test-only schedule does not run');
  },
});
