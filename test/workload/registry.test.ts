import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, PROFILES, getProfile, nearestProfileNames, profileTotals } from '../../src/workload/index.ts';

describe('profile registry', () => {
  it('holds the well-known models', () => {
    for (const n of ['resnet50', 'vgg16', 'bert-base', 'bert-large', 'gpt2-small', 'gpt2-xl', 'llama2-7b']) {
      expect(PROFILE_NAMES).toContain(n);
    }
  });

  it.each(PROFILE_NAMES.map((n) => [n]))('builds %s to its published parameter count with a source', (name) => {
    const entry = PROFILES[name]!;
    const p = entry.build({ bytesPerValue: 2 });
    expect(p.name).toBe(name);
    expect(profileTotals(p).params).toBe(entry.params);
    expect(entry.source.length).toBeGreaterThan(20);
    expect(p.source).toBe(entry.source);
    expect(p.description).toBe(entry.description);
    // Sequence models say how long a sample is; image models do not.
    expect(p.sequenceLength).toBe(entry.defaultSequenceLength);
    expect(p.sample).toBe(entry.defaultSequenceLength === undefined ? 'image' : 'sequence');
  });

  it('finds names ignoring case, dashes, underscores and dots', () => {
    expect(getProfile('resnet50')).toBe(PROFILES.resnet50);
    expect(getProfile('ResNet-50')).toBe(PROFILES.resnet50);
    expect(getProfile('GPT2_XL')).toBe(PROFILES['gpt2-xl']);
    expect(getProfile('llama-2-7b')).toBe(PROFILES['llama2-7b']);
  });

  it('rejects an unknown name with a did-you-mean and the full list', () => {
    expect(nearestProfileNames('resnet5')[0]).toBe('resnet50');
    expect(() => getProfile('resnet5')).toThrow(RangeError);
    expect(() => getProfile('bert-huge')).toThrow(/unknown timing profile "bert-huge"; did you mean bert-(base|large)/);
    expect(() => getProfile('gpt3')).toThrow(`Known profiles: ${PROFILE_NAMES.join(', ')}`);
  });

  it('sums totals in layer order and prices parameters at the profile precision', () => {
    const p = getProfile('vgg16').build({ bytesPerValue: 4 });
    const t = profileTotals(p);
    expect(t.paramBytes).toBe(4 * t.params);
    expect(t.forwardFlopsPerSample).toBe(p.layers.reduce((s, l) => s + l.forwardFlopsPerSample, 0));
    expect(t.activationBytesPerSample).toBe(p.layers.reduce((s, l) => s + l.activationBytesPerSample, 0));
  });
});
