/** The event kernel's public surface: clock, events, processes, resources, units and RNG. */
export * from './units.ts';
export { Rng } from './rng.ts';
export { Alea } from './alea.ts';
export { EventQueue, MAX_PRIORITY } from './event-queue.ts';
export { Event, createTimeout, Condition, Interrupt, PENDING, TRIGGERED, PROCESSED, URGENT, NORMAL } from './events.ts';
export type { Timeout, AnyOfResult, EventState, Waiter, EventScheduler } from './events.ts';
export { Process, wait } from './process.ts';
export type { ProcessGenerator } from './process.ts';
export { Simulator, EmptySchedule, UnhandledFailure } from './simulator.ts';
export { Resource, Request } from './resource.ts';
export { Store } from './store.ts';
