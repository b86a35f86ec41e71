/**
 * Timing profiles (design.md §1, §3): per-layer FLOPs, parameter counts and activation bytes of the
 * trained proxy models and of well-known real models, derived from their architectures. Schedules turn
 * a profile into seconds with the roofline model (hardware/roofline.ts).
 */
export type { LayerProfile, ProfileEntry, ProfileOptions, TimingProfile } from './types.ts';
export { PROFILES, PROFILE_NAMES, getProfile, nearestProfileNames } from './registry.ts';
export { profileTotals, type ProfileTotals } from './totals.ts';
export { denseStackProfile, cnnProfile, type CnnProfileOptions } from './proxy-models.ts';
export { customProfile, type CustomProfileOptions } from './custom.ts';
export { BYTES_PER_VALUE } from './options.ts';
export { ELEMENTWISE_FLOPS } from './layers.ts';
export type { TransformerConfig } from './transformer-config.ts';
export { transformerLayers, transformerEntry } from './transformer.ts';
export { bottleneckResNetLayers, type BottleneckResNetConfig } from './resnet.ts';
export { vggLayers, type VggConfig } from './vgg.ts';
