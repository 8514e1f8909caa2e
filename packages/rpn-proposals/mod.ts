/**
 * SNIPER's proposals for negative chips (docs/sniper.md section 3 step 2): a detector's backbone + RPN on whole
 * images at the test scales (inference's scaling, back-mapping and merge), the top proposals per scale stacked and
 * NMS'd again, written as a COCO results file (first category, objectness as score) that chip-sampler reads back.
 *
 * ```ts
 * import { computeProposals } from "@sniper/rpn-proposals"
 * const counts = yield* computeProposals(rpnDetector, trainSet, {
 *   path: "runs/demo/proposals_train.json", imageRoot: "data/images/train", scales: config.test.scales,
 *   onImage: (p) => Console.log(`${p.done}/${p.total} images`),
 * })
 * ```
 * @module
 */
export {
  computeProposals,
  type OnProposals,
  proposalDetections,
  proposalStream,
  type RowProposals,
  type StreamOptions,
  writeProposals,
} from "./dataset_proposals.ts"
export { type ImageProposals, imageProposals, type ProposalOptions, runProposals } from "./image_proposals.ts"
export { type ProposalTaskOptions, proposalTask } from "./proposal_worker.ts"
