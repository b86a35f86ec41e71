/**
 * Bottleneck ResNets (He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition", CVPR 2016,
 * Table 1) on 224×224 ImageNet images, laid out as torchvision builds them ("ResNet v1.5": the stride-2
 * of a downsampling block sits on its 3×3 conv, not its first 1×1 as in the paper, which moves
 * ResNet-50 from the paper's 3.8 to 4.1 G multiply-adds and leaves the parameter count unchanged).
 *
 * Entries: one per conv (no bias: a batch norm follows each), one per batch norm (its γ, β are the
 * params; the ReLU after it is fused into the same memory-bound entry because frameworks launch BN and
 * ReLU back to back on the same tensor), the stem max pool, one residual add + ReLU per block, the global
 * average pool, the classifier and the loss.
 */
import {
  conv2dLayer,
  ELEMENTWISE_FLOPS,
  elementwiseLayer,
  globalAvgPoolLayer,
  linearLayer,
  maxPoolLayer,
  softmaxCrossEntropyLayer,
} from './layers.ts';
import { checkBytesPerValue } from './options.ts';
import type { LayerProfile, ProfileEntry, ProfileOptions, TimingProfile } from './types.ts';

/** Architecture hyper-parameters of a bottleneck ResNet. */
export interface BottleneckResNetConfig {
  /** Profile name, e.g. `resnet50`. */
  readonly name: string;
  /** Bottleneck blocks per stage (conv2_x … conv5_x of Table 1): [3, 4, 6, 3] for ResNet-50. */
  readonly blocksPerStage: readonly number[];
  /** Input image side in pixels (224 in the paper). */
  readonly imageSize: number;
  /** Classifier outputs (1000 ImageNet classes). */
  readonly numClasses: number;
}

const STEM_WIDTH = 64; // conv1 output channels, also the bottleneck width of the first stage.
const EXPANSION = 4; // A bottleneck's last 1×1 conv widens its output 4× (Table 1: 64 → 256).

/**
 * The layers of a bottleneck ResNet in forward order, derived from `config`.
 * @throws RangeError for a bad bytesPerValue.
 */
export function bottleneckResNetLayers(config: BottleneckResNetConfig, bytesPerValue: number): LayerProfile[] {
  const bpv = checkBytesPerValue(bytesPerValue);
  const layers: LayerProfile[] = [];
  // BN (+ ReLU when `relu`) over a C×S×S tensor: reads it, writes it back, 2 params per channel.
  const bn = (name: string, channels: number, size: number, relu: boolean): void => {
    const n = channels * size * size;
    const f = ELEMENTWISE_FLOPS.batchNorm + (relu ? ELEMENTWISE_FLOPS.relu : 0);
    layers.push(
      elementwiseLayer(relu ? `${name}+relu` : name, {
        elementsIn: n,
        elementsOut: n,
        flopsPerElement: f,
        params: 2 * channels,
        bytesPerValue: bpv,
        // Timed as a norm: its backward also reduces dγ, dβ over the batch (compute-efficiency.ts).
        kind: 'norm',
      }),
    );
  };

  const stem = conv2dLayer('conv1', {
    inChannels: 3,
    outChannels: STEM_WIDTH,
    kernel: 7,
    stride: 2,
    padding: 3,
    inSize: config.imageSize,
    bias: false,
    bytesPerValue: bpv,
  });
  layers.push(stem.layer);
  bn('bn1', STEM_WIDTH, stem.outSize, true);
  const pool = maxPoolLayer('maxpool', {
    channels: STEM_WIDTH,
    inSize: stem.outSize,
    kernel: 3,
    stride: 2,
    padding: 1,
    bytesPerValue: bpv,
  });
  layers.push(pool.layer);

  let size = pool.outSize;
  let channels = STEM_WIDTH;
  config.blocksPerStage.forEach((blocks, stage) => {
    const width = STEM_WIDTH * 2 ** stage;
    const outChannels = width * EXPANSION;
    for (let b = 0; b < blocks; b++) {
      const p = `layer${stage + 1}.${b}`;
      // Stages after the first halve the resolution in their first block (v1.5: on the 3×3 conv).
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const c1 = conv2dLayer(`${p}.conv1`, {
        inChannels: channels,
        outChannels: width,
        kernel: 1,
        stride: 1,
        padding: 0,
        inSize: size,
        bias: false,
        bytesPerValue: bpv,
      });
      layers.push(c1.layer);
      bn(`${p}.bn1`, width, c1.outSize, true);
      const c2 = conv2dLayer(`${p}.conv2`, {
        inChannels: width,
        outChannels: width,
        kernel: 3,
        stride,
        padding: 1,
        inSize: c1.outSize,
        bias: false,
        bytesPerValue: bpv,
      });
      layers.push(c2.layer);
      bn(`${p}.bn2`, width, c2.outSize, true);
      const c3 = conv2dLayer(`${p}.conv3`, {
        inChannels: width,
        outChannels,
        kernel: 1,
        stride: 1,
        padding: 0,
        inSize: c2.outSize,
        bias: false,
        bytesPerValue: bpv,
      });
      layers.push(c3.layer);
      bn(`${p}.bn3`, outChannels, c3.outSize, false);
      // The first block of each stage changes the channel count (and maybe the size), so its shortcut
      // is a strided 1×1 projection with its own batch norm (option B of the paper).
      if (b === 0) {
        const ds = conv2dLayer(`${p}.downsample.conv`, {
          inChannels: channels,
          outChannels,
          kernel: 1,
          stride,
          padding: 0,
          inSize: size,
          bias: false,
          bytesPerValue: bpv,
        });
        layers.push(ds.layer);
        bn(`${p}.downsample.bn`, outChannels, ds.outSize, false);
      }
      const n = outChannels * c3.outSize * c3.outSize;
      layers.push(
        elementwiseLayer(`${p}.add+relu`, {
          elementsIn: 2 * n,
          elementsOut: n,
          flopsPerElement: ELEMENTWISE_FLOPS.add + ELEMENTWISE_FLOPS.relu,
          params: 0,
          bytesPerValue: bpv,
        }),
      );
      size = c3.outSize;
      channels = outChannels;
    }
  });

  layers.push(globalAvgPoolLayer('avgpool', channels, size, bpv));
  layers.push(
    linearLayer('fc', {
      inFeatures: channels,
      outFeatures: config.numClasses,
      bias: true,
      tokens: 1,
      bytesPerValue: bpv,
    }),
  );
  layers.push(softmaxCrossEntropyLayer(config.numClasses, bpv));
  return layers;
}

const SOURCE =
  'He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, Table 1 (bottleneck blocks, 224x224); ' +
  'stride on the 3x3 conv as in torchvision resnet50/101/152 ("v1.5", the MLPerf reference)';

function resnetEntry(config: BottleneckResNetConfig, params: number, description: string): ProfileEntry {
  return {
    description,
    source: SOURCE,
    params,
    build(options: ProfileOptions): TimingProfile {
      return {
        name: config.name,
        description,
        source: SOURCE,
        sample: 'image',
        bytesPerValue: options.bytesPerValue,
        layers: bottleneckResNetLayers(config, options.bytesPerValue),
      };
    },
  };
}

/** ResNet-50 at 224×224; 25,557,032 params (torchvision). */
export const RESNET50: ProfileEntry = resnetEntry(
  { name: 'resnet50', blocksPerStage: [3, 4, 6, 3], imageSize: 224, numClasses: 1000 },
  25_557_032,
  'ResNet-50 v1.5 ImageNet classifier, one 224x224 RGB image per sample',
);

/** ResNet-101 at 224×224; 44,549,160 params (torchvision). */
export const RESNET101: ProfileEntry = resnetEntry(
  { name: 'resnet101', blocksPerStage: [3, 4, 23, 3], imageSize: 224, numClasses: 1000 },
  44_549_160,
  'ResNet-101 v1.5 ImageNet classifier, one 224x224 RGB image per sample',
);

/** ResNet-152 at 224×224; 60,192,808 params (torchvision). */
export const RESNET152: ProfileEntry = resnetEntry(
  { name: 'resnet152', blocksPerStage: [3, 8, 36, 3], imageSize: 224, numClasses: 1000 },
  60_192_808,
  'ResNet-152 v1.5 ImageNet classifier, one 224x224 RGB image per sample',
);
