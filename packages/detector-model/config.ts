import { Effect, Schema } from "effect"
import { InvalidDetectorConfig } from "./errors.ts"

const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const Fraction = Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 }))

/** ResNet depth: 18 and 34 use basic blocks, 50 and 101 bottlenecks (torchvision v1.5 layout, post-activation). */
export const Depth = Schema.Literals([18, 34, 50, 101])
export type Depth = typeof Depth.Type

/** Proposal-layer settings; `minSize` in input px, `tinyRule` "both" drops a box when both sides are below it
 * (SNIPER training), "either" when one side is (inference). */
export const ProposalSettings = Schema.Struct({
  preNmsTopK: PositiveInt,
  postNmsTopK: PositiveInt,
  nmsIou: Fraction,
  minSize: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)),
  tinyRule: Schema.Literals(["both", "either"]),
})
export type ProposalSettings = typeof ProposalSettings.Type

/** The whole detector, as data. Sizes are in input pixels; IoU thresholds as docs/sniper.md section 5. */
export const DetectorConfig = Schema.Struct({
  /** Foreground classes; the classifier has numClasses + 1 outputs, index 0 = background. */
  numClasses: PositiveInt,
  backbone: Schema.Struct({
    depth: Depth,
    /** Channel multiplier on every ResNet stage (1 = the standard widths). */
    width: Schema.Finite.check(Schema.isBetween({ minimum: 1 / 64, maximum: 4 })),
    /** "train": batch statistics and learned scale/shift; "frozen": running statistics, nothing learned. */
    batchNorm: Schema.Literals(["train", "frozen"]),
    /** 0 = train all; 1 = freeze the stem; 2 = stem and res2 (the reference's conv1 + stage 1). */
    freezeAt: Schema.Literals([0, 1, 2]),
    bnMomentum: Fraction,
    bnEpsilon: Positive,
  }),
  anchors: Schema.Struct({
    stride: Schema.Literal(16),
    /** Anchor side = 16 x scale, for square anchors. */
    scales: Schema.Array(Positive).check(Schema.isMinLength(1)),
    /** height / width. */
    ratios: Schema.Array(Positive).check(Schema.isMinLength(1)),
    /** Anchors reaching more than this many px outside the chip get no label. */
    allowedBorder: Schema.Finite,
  }),
  rpn: Schema.Struct({
    channels: PositiveInt,
    batchSize: PositiveInt,
    fgFraction: Fraction,
    fgIou: Fraction,
    bgIou: Fraction,
    /** Anchors with IoU above this to an ignored box are neither fg nor bg. */
    ignoreIou: Fraction,
    /** Box loss = boxLossWeight x sum smooth-L1 / (chips x batchSize): 3 in the reference. */
    boxLossWeight: Positive,
    train: ProposalSettings,
    test: ProposalSettings,
  }).check(
    // A schema check, so every embedding of the config (a training config too) applies it.
    Schema.makeFilter(
      (rpn) =>
        rpn.bgIou <= rpn.fgIou || {
          path: ["bgIou"],
          issue: `rpn.bgIou (${rpn.bgIou}) must not exceed rpn.fgIou (${rpn.fgIou})`,
        },
    ),
  ),
  roi: Schema.Struct({
    /** "reference": every proposal, labelled against all chip gt; "sampled": fg/bg sampling (detectron2 style). */
    labelling: Schema.Literals(["reference", "sampled"]),
    fgIou: Fraction,
    /** Sampled mode only. */
    batchSize: PositiveInt,
    fgFraction: Fraction,
    /** Delta weights (wx, wy, ww, wh): targets are (dx, dy, dw, dh) x weights. */
    boxWeights: Schema.Tuple([Positive, Positive, Positive, Positive]),
    /** Box loss = sum smooth-L1 / (chips x boxNormalizer): 188 in the reference. */
    boxNormalizer: Positive,
    channels: PositiveInt,
    poolSize: PositiveInt,
    samplingRatio: PositiveInt,
    fcDim: PositiveInt,
  }),
  /**
   * Pretrained backbone weights loaded when a run starts (never on resume, where the checkpoint has them):
   * torchvision's ResNet state dict of the same depth at width 1, saved with safetensors (without the int64
   * `num_batches_tracked`). The frozen stages (`backbone.freezeAt`) then keep these values.
   */
  init: Schema.optional(Schema.Struct({ torchvision: Schema.String })),
  /**
   * How 8-bit pixels become this network's input, `(value - mean[c]) / std[c]` per channel in `order`, mean and
   * std in 0..255 units: what its weights were trained with. Default ImageNet's in RGB (mean 123.675, 116.28,
   * 103.53, std 58.395, 57.12, 57.375: torchvision's RGB in [0, 1] minus 0.485, 0.456, 0.406 over 0.229, 0.224,
   * 0.225), which torchvision's ResNets expect. Training chips and every inference path read it.
   */
  normalization: Schema.optional(
    Schema.Struct({
      order: Schema.Literals(["rgb", "bgr"]),
      mean: Schema.Tuple([Schema.Finite, Schema.Finite, Schema.Finite]),
      std: Schema.Tuple([Positive, Positive, Positive]),
    }),
  ),
})
export type DetectorConfig = typeof DetectorConfig.Type

/** SNIPER's ResNet-101 detector with COCO's 80 classes (docs/sniper.md section 5; RoIAlign for deformable pooling). */
export const sniperR101: DetectorConfig = {
  numClasses: 80,
  backbone: { depth: 101, width: 1, batchNorm: "train", freezeAt: 2, bnMomentum: 0.995, bnEpsilon: 2e-5 },
  anchors: { stride: 16, scales: [2, 4, 7, 10, 13, 16, 24], ratios: [0.5, 1, 2], allowedBorder: 32 },
  rpn: {
    channels: 512,
    batchSize: 256,
    fgFraction: 0.5,
    fgIou: 0.5,
    bgIou: 0.4,
    ignoreIou: 0.3,
    boxLossWeight: 3,
    train: { preNmsTopK: 21504, postNmsTopK: 300, nmsIou: 0.7, minSize: 3, tinyRule: "both" },
    test: { preNmsTopK: 12000, postNmsTopK: 300, nmsIou: 0.7, minSize: 3, tinyRule: "either" },
  },
  roi: {
    labelling: "reference",
    fgIou: 0.5,
    batchSize: 512,
    fgFraction: 0.25,
    boxWeights: [10, 10, 5, 5],
    boxNormalizer: 188,
    channels: 256,
    poolSize: 7,
    samplingRatio: 2,
    fcDim: 1024,
  },
}

export const sniperR50: DetectorConfig = { ...sniperR101, backbone: { ...sniperR101.backbone, depth: 50 } }

/**
 * SNIPER's detector shrunk to train on a CPU in minutes: ResNet-18 at quarter width, nothing frozen, small heads
 * and fewer proposals; 6 classes, the shapes of the synthetic data set (the trainer's demo). Its 128 px chips hold
 * objects of about 12 to 128 px, so the anchors are 16 to 128 px (SNIPER's 32 to 384 px anchors left the smallest
 * objects to a single best-matching anchor: val AP 0.163 against 0.197 with these, same data and schedule), and 64
 * proposals a chip are the RoIs (128 cost a fifth more time; the RoI head's matrix products are a quarter of a step).
 */
export const cpuDemoDetector: DetectorConfig = {
  ...sniperR50,
  numClasses: 6,
  backbone: { ...sniperR50.backbone, depth: 18, width: 0.25, freezeAt: 0, bnMomentum: 0.9 },
  anchors: { ...sniperR50.anchors, scales: [1, 2, 4, 8] },
  rpn: {
    ...sniperR50.rpn,
    channels: 64,
    train: { ...sniperR50.rpn.train, preNmsTopK: 2000, postNmsTopK: 64 },
    test: { ...sniperR50.rpn.test, preNmsTopK: 2000, postNmsTopK: 200 },
  },
  roi: { ...sniperR50.roi, channels: 64, fcDim: 256 },
}

/** Validates an unknown value as a DetectorConfig (its cross-field rules are checks of the schema). */
export const decodeDetectorConfig = Effect.fn("decodeDetectorConfig")(function* (input: unknown) {
  return yield* Schema.decodeUnknownEffect(DetectorConfig)(input).pipe(
    Effect.mapError((error) => new InvalidDetectorConfig({ issue: error.message.replace(/\s*\n\s*/g, " ") })),
  )
})
