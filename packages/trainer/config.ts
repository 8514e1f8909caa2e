import { ChipConfig, defaultChipConfig } from "@sniper/chip-sampler"
import { maxSynthImages, minSynthSide } from "@sniper/coco-io"
import { cpuDemoDetector, DetectorConfig, sniperR50 } from "@sniper/detector-model"
import { demoInference, InferenceConfig, oneRangePerScale, sniperInference } from "@sniper/inference"
import { Effect, Schema } from "effect"
import { suggestField, unknownField } from "./_unknown_field.ts"
import { InvalidTrainConfig } from "./errors.ts"

const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/** A COCO instances file and the folder its `file_name`s are relative to. */
const DataSplit = Schema.Struct({ annotations: Schema.String, images: Schema.String })

/**
 * One training run, as data: saved into the run folder, and compared on resume. Sizes in px; steps count
 * optimizer updates of `chipsPerBatch` chips.
 */
export const TrainConfig = Schema.Struct({
  name: Schema.String,
  seed: Schema.Int,
  /** Undefined splits mean the embedded synthetic data set, generated on first use. */
  data: Schema.Struct({
    train: Schema.optional(DataSplit),
    val: Schema.optional(DataSplit),
    synthetic: Schema.Struct({
      images: PositiveInt.check(Schema.isLessThanOrEqualTo(maxSynthImages)),
      seed: Schema.Int,
      /** Share of the images in the val split, in [0, 1). */
      valFraction: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0), Schema.isLessThan(1)),
      /** Range of the images' long side in px, inclusive (default 480..1600); objects scale with the image. */
      longSide: Schema.optional(
        Schema.Tuple([PositiveInt.check(Schema.isGreaterThanOrEqualTo(minSynthSide)), PositiveInt]).check(
          Schema.makeFilter(([min, max]) => min <= max || `the minimum ${min} is above the maximum ${max}`),
        ),
      ),
    }),
  }),
  /** The chip sampler's configuration, whole: fields left out take their mode's defaults, its rules are checked. */
  chips: ChipConfig,
  /** Train on each image's horizontally flipped copy too (docs/sniper.md section 4). */
  flip: Schema.Boolean,
  /** The detector's configuration, whole (its own rules, such as rpn.bgIou <= rpn.fgIou, included). */
  detector: DetectorConfig,
  optimizer: Schema.Struct({
    kind: Schema.Literals(["sgd", "adam"]),
    learningRate: Positive,
    momentum: NonNegative,
    weightDecay: NonNegative,
    /** Linear warm-up from learningRate x warmupFactor over warmupSteps (the reference: 1000 steps, 0.0005/0.015). */
    warmupSteps: Count,
    warmupFactor: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
    /** Epochs (fractional) after which the rate is multiplied by decayFactor (the reference: 5.33). */
    decayEpochs: Schema.Array(NonNegative),
    decayFactor: Positive,
  }),
  epochs: PositiveInt,
  chipsPerBatch: PositiveInt,
  /**
   * Chips per forward/backward pass (default: the whole batch). A batch runs as several passes whose gradients
   * are averaged before one update, each pass with its own batch-norm statistics, as each GPU has in the reference.
   */
  chipsPerPass: Schema.optional(PositiveInt),
  /**
   * Worker threads a batch's passes are spread over, each with its own backend and detector replica (default: one
   * per core that memory holds; 1: every pass in this thread). The result does not depend on it: gradients are
   * reduced in pass order, so a run may resume with another number of workers.
   */
  workers: Schema.optional(PositiveInt),
  /** Recompute backbone activations in the backward pass instead of keeping them: about a third more time for a
   * fraction of the memory. ResNet-50 and -101 need it for 2 chips of 512 inside wasm's 4 GB heap. */
  recompute: Schema.optional(Schema.Boolean),
  /**
   * Negative chips (docs/sniper.md section 3): proposals of the training images, computed once per run folder, make
   * every epoch add chips where the detector would fire on background. Without this field, positive chips only.
   */
  negatives: Schema.optional(
    Schema.Struct({
      /** Epochs of RPN-only training on positive chips before the proposals are computed (the reference: 2). */
      rpnEpochs: PositiveInt,
      /** A COCO results file of the training images' proposals to use instead of training an RPN. */
      proposals: Schema.optional(Schema.String),
    }),
  ),
  /** Save a checkpoint every this many steps (and at the end of every epoch). */
  checkpointEvery: PositiveInt,
  /** Print a progress line every this many steps. */
  logEvery: PositiveInt,
  /** Multi-scale inference on the val split after training (docs/sniper.md section 6). */
  test: Schema.Struct({
    ...InferenceConfig.fields,
    /** Evaluate at most this many val images (0 = all). */
    maxImages: Count,
    /**
     * Also evaluate after every this many epochs, for the learning curve (`curve.jsonl`, `ap_curve.svg`; the
     * final evaluation is its last point). Each costs one evaluation's time. Without it, only at the end.
     */
    everyEpochs: Schema.optional(PositiveInt),
  }).check(oneRangePerScale),
})
export type TrainConfig = typeof TrainConfig.Type

/**
 * The embedded default: a small ResNet-18 at quarter width on 128 px chips of a generated data set (500 images of
 * 160 to 256 px, 400 to train on, 100 to evaluate), sized so that `npm run train` finishes within 15 minutes on two
 * CPU cores with the wasm backend. The scales and ranges keep SNIPER's shape at these image sizes: 2x for the
 * small objects (upsampled, as SNIPER's 3x on COCO), 1x for the middle and 0.5x, where every image fits one chip;
 * tested on whole images at long sides 416, 208 and 104 px (2x, 1x and 0.5x of the mean image). The learning
 * curve (val AP after every second epoch) is still rising at the end: the schedule is what the time allows.
 */
export const demoConfig: TrainConfig = {
  name: "demo",
  seed: 1,
  data: { synthetic: { images: 500, seed: 7, valFraction: 0.2, longSide: [160, 256] } },
  chips: {
    ...defaultChipConfig("reference"),
    chipSize: 128,
    scales: [{ factor: 2 }, { factor: 1 }, { factor: 0.5 }],
    validRanges: [
      [-1, 32],
      [24, 96],
      [80, -1],
    ],
    stride: 32,
  },
  flip: false,
  detector: cpuDemoDetector,
  optimizer: {
    kind: "adam",
    learningRate: 1e-3,
    momentum: 0.9,
    weightDecay: 0,
    warmupSteps: 20,
    warmupFactor: 0.1,
    decayEpochs: [5],
    decayFactor: 0.1,
  },
  epochs: 6,
  chipsPerBatch: 4,
  // Two passes a batch, so that two cores each take one (the numbers do not depend on the number of workers).
  chipsPerPass: 2,
  checkpointEvery: 200,
  logEvery: 50,
  test: { ...demoInference, maxImages: 0, everyEpochs: 2 },
}

/**
 * SNIPER's COCO recipe with ResNet-50 (docs/sniper.md sections 0, 4, 6): 512 chips at 3x, 1.667x and 512 px, the
 * reference's random stride, SGD 0.015 with 1000 warm-up steps and a step at 5.33 of 7 epochs, batch 16.
 */
export const sniperCocoR50: TrainConfig = {
  ...demoConfig,
  name: "sniper-coco-r50",
  // Without data flags, the synthetic set at the sizes of COCO's images.
  data: { synthetic: { images: 200, seed: 7, valFraction: 0.2 } },
  // The reference mode's defaults are the recipe: 512 px chips, 3x / 1.667x / 512 px, ranges [0, 80),
  // [32, 150), [120, inf), random strides 56..59.
  chips: defaultChipConfig("reference"),
  flip: true,
  detector: sniperR50,
  optimizer: {
    kind: "sgd",
    learningRate: 0.015,
    momentum: 0.9,
    weightDecay: 1e-4,
    warmupSteps: 1000,
    warmupFactor: 0.0005 / 0.015,
    decayEpochs: [5.33],
    decayFactor: 0.1,
  },
  epochs: 7,
  chipsPerBatch: 16,
  chipsPerPass: 2,
  recompute: true,
  negatives: { rpnEpochs: 2 },
  checkpointEvery: 500,
  logEvery: 20,
  test: { ...sniperInference, maxImages: 0 },
}

/**
 * Validates an unknown value as a TrainConfig, with the cross-field rules the schema cannot state. A field the
 * schema does not declare is refused (a misspelt `negative` would otherwise train without negative chips),
 * naming its path and the nearest declared name.
 */
export const decodeTrainConfig = Effect.fn("decodeTrainConfig")(function* (input: unknown) {
  const config = yield* Schema.decodeUnknownEffect(TrainConfig)(input, { onExcessProperty: "error" }).pipe(
    Effect.mapError((error) => {
      const unknown = unknownField(error.issue)
      return unknown === undefined
        ? new InvalidTrainConfig({ field: "config", problem: error.message.replace(/\s+/g, " ") })
        : new InvalidTrainConfig({
            field: unknown.path,
            problem: `is not a configuration field; ${suggestField(unknown.key, unknown.known)}`,
          })
    }),
  )
  const stride = config.detector.anchors.stride
  if (config.chips.chipSize % stride !== 0) {
    return yield* new InvalidTrainConfig({
      field: "chips.chipSize",
      problem: `must be a multiple of the detector's stride ${stride}, got ${config.chips.chipSize}`,
    })
  }
  if (config.chipsPerPass !== undefined && config.chipsPerPass > config.chipsPerBatch) {
    return yield* new InvalidTrainConfig({
      field: "chipsPerPass",
      problem: `must not exceed chipsPerBatch (${config.chipsPerBatch}), got ${config.chipsPerPass}`,
    })
  }
  return config
})
