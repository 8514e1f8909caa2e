/**
 * Faster R-CNN for SNIPER in tfjs (NHWC): ResNet 18/34/50/101 backbone with res4 ‖ dilated res5 at stride 16,
 * 21 anchors, RPN, proposal layer, RoIAlign box head, reference target assignment and losses, and `detect`.
 * Target assignment and proposal selection are plain TypeScript over typed arrays.
 *
 * ```ts
 * const config = Effect.runSync(decodeDetectorConfig({ ...sniperR50, numClasses: 3 }))
 * const detector = createDetector(config, { seed: 1 })
 * const prng = new Prng([1]).asFunction() // Prng from @sniper/random
 * const step = trainStep(detector, { images, truths }, { optimizer: tf.train.momentum(0.01, 0.9), prng })
 * // 16 chips of 512 with ResNet-50 inside wasm's 4 GB heap: passes of 2 chips, backbone activations recomputed
 * trainStep(detector, batch16, { optimizer, prng, chipsPerPass: 2, recompute: true })
 * // the same step by hand, as a step runner spreads it over workers (same bits):
 * const passes = planPasses(16, { chipsPerPass: 2, prng })
 * const reduction = new GradientReduction({ sizes: trainableSizes(detector), passes: passes.length, chips: 16 })
 * for (const p of passes) reduction.add(p.index, passGradients(replica, chipsOf(p), { prng: passPrng(p) }))
 * applyReducedGradients(detector, optimizer, reduction.result(), { weightDecay: 1e-4 })
 * ```
 * @module
 */
export { cellAnchors, gridAnchors } from "./anchors.ts"
export { applyReducedGradients, applyStatistics } from "./apply_gradients.ts"
export type { Depth, ProposalSettings } from "./config.ts"
export { cpuDemoDetector, DetectorConfig, decodeDetectorConfig, sniperR50, sniperR101 } from "./config.ts"
export type { ContentSize, Detections, DetectOptions } from "./detect.ts"
export { detect } from "./detect.ts"
export type { Detector } from "./detector.ts"
export {
  anchorCount,
  boxHead,
  createDetector,
  detectorFeatures,
  detectorSpecs,
  disposeDetector,
  featureChannels,
  roiFeatures,
  rpnHead,
} from "./detector.ts"
export { InvalidDetectorConfig } from "./errors.ts"
export { GradientReduction, type ReducedStep } from "./gradient_reduction.ts"
export { bceWithLogits, smoothL1 } from "./loss_functions.ts"
export type { LossTerms, TrainingBatch } from "./losses.ts"
export { detectorLosses } from "./losses.ts"
export type { Init, Parameters, ParamSpec } from "./parameters.ts"
export type { BatchStatistics, PassGradients, PassLosses, PassOptions, TargetCounts } from "./pass_gradients.ts"
export { passGradients } from "./pass_gradients.ts"
export { type PlannedPass, passPrng, planPasses } from "./pass_plan.ts"
export type { ProposalOptions, Proposals } from "./proposals.ts"
export { selectProposals } from "./proposals.ts"
export type { StatisticsSink } from "./resnet.ts"
export type { RoiLosses } from "./roi_loss.ts"
export { roiLosses } from "./roi_loss.ts"
export type { RoiTargetOptions, RoiTargets } from "./roi_targets.ts"
export { roiTargets } from "./roi_targets.ts"
export type { RpnLosses } from "./rpn_loss.ts"
export { rpnLosses } from "./rpn_loss.ts"
export { rpnProposals } from "./rpn_proposals.ts"
export type { RpnTargetOptions, RpnTargets } from "./rpn_targets.ts"
export { rpnTargets } from "./rpn_targets.ts"
export { scopedDetector } from "./scoped_detector.ts"
export { importTorchvisionResnet, torchvisionName } from "./torchvision.ts"
export type { StepResult, TrainStepOptions } from "./train_step.ts"
export { trainableSizes, trainStep } from "./train_step.ts"
export { loadDetector, namedVariables, saveDetector } from "./weights.ts"
