/**
 * VGG networks (Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
 * Recognition", ICLR 2015, Table 1) on 224×224 images: 3×3 convs (stride 1, padding 1, with bias),
 * each followed by a ReLU, 2×2 max pools between blocks, then fc6/fc7 (4096, ReLU) and fc8.
 *
 * Entries: one per conv / fc, one per ReLU and one per max pool (both memory-bound), and the loss.
 * Dropout after fc6 and fc7 is ignored (an elementwise op on 4,096 values, far below any other entry);
 * torchvision's adaptive average pool is the identity at 224×224 and is left out.
 */
import {
  conv2dLayer,
  ELEMENTWISE_FLOPS,
  elementwiseLayer,
  linearLayer,
  maxPoolLayer,
  softmaxCrossEntropyLayer,
} from './layers.ts';
import { checkBytesPerValue } from './options.ts';
import type { LayerProfile, ProfileEntry, ProfileOptions, TimingProfile } from './types.ts';

/** Architecture hyper-parameters of a VGG net. */
export interface VggConfig {
  /** Profile name, e.g. `vgg16`. */
  readonly name: string;
  /** Conv output channels per block; a 2×2 max pool follows every block (Table 1 columns). */
  readonly blocks: readonly (readonly number[])[];
  /** Input image side in pixels (224). */
  readonly imageSize: number;
  /** Width of fc6 and fc7 (4096). */
  readonly hiddenWidth: number;
  /** Classifier outputs (1000). */
  readonly numClasses: number;
}

/**
 * The layers of a VGG net in forward order, derived from `config`.
 * @throws RangeError for a bad bytesPerValue or an image too small for the pools.
 */
export function vggLayers(config: VggConfig, bytesPerValue: number): LayerProfile[] {
  const bpv = checkBytesPerValue(bytesPerValue);
  const layers: LayerProfile[] = [];
  const relu = (name: string, n: number): void => {
    layers.push(
      elementwiseLayer(name, {
        elementsIn: n,
        elementsOut: n,
        flopsPerElement: ELEMENTWISE_FLOPS.relu,
        params: 0,
        bytesPerValue: bpv,
      }),
    );
  };
  let size = config.imageSize;
  let channels = 3;
  config.blocks.forEach((widths, b) => {
    widths.forEach((width, i) => {
      const id = `${b + 1}_${i + 1}`;
      const conv = conv2dLayer(`conv${id}`, {
        inChannels: channels,
        outChannels: width,
        kernel: 3,
        stride: 1,
        padding: 1,
        inSize: size,
        bias: true,
        bytesPerValue: bpv,
      });
      layers.push(conv.layer);
      relu(`relu${id}`, width * conv.outSize * conv.outSize);
      channels = width;
      size = conv.outSize;
    });
    const pool = maxPoolLayer(`pool${b + 1}`, {
      channels,
      inSize: size,
      kernel: 2,
      stride: 2,
      padding: 0,
      bytesPerValue: bpv,
    });
    layers.push(pool.layer);
    size = pool.outSize;
  });
  const flat = channels * size * size; // 512·7·7 = 25,088 at 224×224.
  layers.push(
    linearLayer('fc6', {
      inFeatures: flat,
      outFeatures: config.hiddenWidth,
      bias: true,
      tokens: 1,
      bytesPerValue: bpv,
    }),
  );
  relu('relu6', config.hiddenWidth);
  layers.push(
    linearLayer('fc7', {
      inFeatures: config.hiddenWidth,
      outFeatures: config.hiddenWidth,
      bias: true,
      tokens: 1,
      bytesPerValue: bpv,
    }),
  );
  relu('relu7', config.hiddenWidth);
  layers.push(
    linearLayer('fc8', {
      inFeatures: config.hiddenWidth,
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
  'Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition", ICLR 2015, Table 1';

function vggEntry(config: VggConfig, params: number, description: string, column: string): ProfileEntry {
  const source = `${SOURCE}, configuration ${column}, 224x224`;
  return {
    description,
    source,
    params,
    build(options: ProfileOptions): TimingProfile {
      return {
        name: config.name,
        description,
        source,
        sample: 'image',
        bytesPerValue: options.bytesPerValue,
        layers: vggLayers(config, options.bytesPerValue),
      };
    },
  };
}

/** VGG-16 (configuration D) at 224×224; 138,357,544 params (torchvision vgg16). */
export const VGG16: ProfileEntry = vggEntry(
  {
    name: 'vgg16',
    blocks: [
      [64, 64],
      [128, 128],
      [256, 256, 256],
      [512, 512, 512],
      [512, 512, 512],
    ],
    imageSize: 224,
    hiddenWidth: 4096,
    numClasses: 1000,
  },
  138_357_544,
  'VGG-16 ImageNet classifier, one 224x224 RGB image per sample',
  'D',
);

/** VGG-19 (configuration E) at 224×224; 143,667,240 params (torchvision vgg19). */
export const VGG19: ProfileEntry = vggEntry(
  {
    name: 'vgg19',
    blocks: [
      [64, 64],
      [128, 128],
      [256, 256, 256, 256],
      [512, 512, 512, 512],
      [512, 512, 512, 512],
    ],
    imageSize: 224,
    hiddenWidth: 4096,
    numClasses: 1000,
  },
  143_667_240,
  'VGG-19 ImageNet classifier, one 224x224 RGB image per sample',
  'E',
);
