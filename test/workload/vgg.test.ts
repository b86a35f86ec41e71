import { describe, expect, it } from 'vitest';
import { profileTotals } from '../../src/workload/totals.ts';
import { VGG16, VGG19 } from '../../src/workload/vgg.ts';

describe('VGG profiles', () => {
  const vgg16 = VGG16.build({ bytesPerValue: 4 });

  it('derives VGG-16 (configuration D) with 138,357,544 parameters', () => {
    expect(profileTotals(vgg16).params).toBe(138_357_544);
  });

  it('derives VGG-19 (configuration E) with 143,667,240 parameters', () => {
    expect(profileTotals(VGG19.build({ bytesPerValue: 4 })).params).toBe(143_667_240);
  });

  it('has 13 convs and 3 fc layers, fc6 reading the 512×7×7 feature map', () => {
    expect(vgg16.layers.filter((l) => /^conv/.test(l.name))).toHaveLength(13);
    expect(vgg16.layers.filter((l) => /^fc/.test(l.name)).map((l) => l.name)).toEqual(['fc6', 'fc7', 'fc8']);
    expect(vgg16.layers.find((l) => l.name === 'fc6')?.params).toBe(25_088 * 4096 + 4096);
  });

  it('costs about 15.5 G multiply-adds (31 GFLOPs) per 224×224 image in its convs and fc layers', () => {
    // torchvision's VGG16_Weights card lists 15.47 G multiply-adds → 30.94 GFLOPs. Bias adds add
    // 13.6M (one per conv output value, 0.04%) and rounding 15.47 is ±0.03%, so 0.2% is ample.
    const mm = vgg16.layers.filter((l) => /^(conv|fc)/.test(l.name)).reduce((s, l) => s + l.forwardFlopsPerSample, 0);
    expect(Math.abs(mm / 30.94e9 - 1)).toBeLessThan(0.002);
  });
});
