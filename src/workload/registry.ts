/**
 * The named profiles users pick with `timing: { kind: profile, name: resnet50 }`, and the lookup that
 * turns a misspelt name into an error listing the nearest and all known names.
 */
import { nearestNames, normalizeName } from '../core/names.ts';
import {
  BERT_BASE,
  BERT_LARGE,
  GPT2_LARGE,
  GPT2_MEDIUM,
  GPT2_SMALL,
  GPT2_XL,
  GPT3_175B,
  LLAMA2_13B,
  LLAMA2_70B,
  LLAMA2_7B,
  MEGATRON_1T,
  MEGATRON_22B,
  MT_NLG_530B,
} from './language-models.ts';
import { RESNET101, RESNET152, RESNET50 } from './resnet.ts';
import type { ProfileEntry } from './types.ts';
import { VGG16, VGG19 } from './vgg.ts';

/** Every named profile, by name. Names are lower-case kebab-case. */
export const PROFILES: Readonly<Record<string, ProfileEntry>> = Object.freeze({
  resnet50: RESNET50,
  resnet101: RESNET101,
  resnet152: RESNET152,
  vgg16: VGG16,
  vgg19: VGG19,
  'bert-base': BERT_BASE,
  'bert-large': BERT_LARGE,
  'gpt2-small': GPT2_SMALL,
  'gpt2-medium': GPT2_MEDIUM,
  'gpt2-large': GPT2_LARGE,
  'gpt2-xl': GPT2_XL,
  'llama2-7b': LLAMA2_7B,
  'llama2-13b': LLAMA2_13B,
  'llama2-70b': LLAMA2_70B,
  'megatron-22b': MEGATRON_22B,
  'gpt3-175b': GPT3_175B,
  'mt-nlg-530b': MT_NLG_530B,
  'megatron-1t': MEGATRON_1T,
});

/** The profile names, in registry order. */
export const PROFILE_NAMES: readonly string[] = Object.freeze(Object.keys(PROFILES));

// Case, spaces, dashes, underscores and dots do not matter: "ResNet-50", "GPT2_XL", "llama-2-7b" all match.
const BY_KEY = new Map(PROFILE_NAMES.map((n) => [normalizeName(n), n]));

/** The profile names nearest to `name` (edit distance on normalised names), closest first. */
export function nearestProfileNames(name: string, count = 2): string[] {
  return nearestNames(name, PROFILE_NAMES, count);
}

/**
 * The registered profile called `name`, ignoring case, spaces, dashes, underscores and dots.
 * @throws RangeError naming the nearest profiles ("did you mean") and listing every known name.
 */
export function getProfile(name: string): ProfileEntry {
  const key = BY_KEY.get(normalizeName(name));
  const entry = key === undefined ? undefined : PROFILES[key];
  if (entry === undefined) {
    throw new RangeError(
      `unknown timing profile "${name}"; did you mean ${nearestProfileNames(name).join(' or ')}? Known profiles: ${PROFILE_NAMES.join(', ')}`,
    );
  }
  return entry;
}
