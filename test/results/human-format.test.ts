import { describe, expect, it } from 'vitest';
import {
  humanDuration,
  humanGigabytes,
  humanPercent,
  humanSi,
  humanStaleness,
} from '../../src/results/human-format.ts';

describe('human formats', () => {
  it('picks a readable time unit', () => {
    expect(humanDuration(0)).toBe('0 s');
    expect(humanDuration(8.5e-4)).toBe('850.0 us');
    expect(humanDuration(0.0125)).toBe('12.5 ms');
    expect(humanDuration(12.34)).toBe('12.3 s');
    expect(humanDuration(252)).toBe('4.2 min');
    expect(humanDuration(5400)).toBe('1.5 h');
    expect(humanDuration(undefined)).toBe('-');
    expect(humanDuration(Number.NaN)).toBe('NaN');
  });

  it('writes rates with SI suffixes, fractions as percentages and bytes as GB', () => {
    expect(humanSi(950)).toBe('950.0');
    expect(humanSi(12_345)).toBe('12.3k');
    expect(humanSi(4.5e6)).toBe('4.5M');
    expect(humanSi(1.2e9)).toBe('1.2G');
    expect(humanPercent(0.9123)).toBe('91.2%');
    expect(humanGigabytes(2.5e9)).toBe('2.50');
    expect(humanStaleness(3.5, 7)).toBe('3.50 / 7');
    expect(humanStaleness(undefined, undefined)).toBe('-');
  });

  it('prints a missing value as - and a computed non-finite one as NaN or inf, never the same', () => {
    expect(humanPercent(undefined)).toBe('-');
    expect(humanPercent(Number.NaN)).toBe('NaN');
    expect(humanSi(Infinity)).toBe('inf');
    expect(humanSi(undefined)).toBe('-');
    expect(humanGigabytes(-Infinity)).toBe('-inf');
  });
});
