/** The entry module of proposal workers: inference's detector worker serving {@link proposalTask}. */
import { parentPort, workerData } from "node:worker_threads"
import { type DetectorWorkerData, type ImageTask, serveDetector, type ThreadData } from "@sniper/inference"
import { type ImageProposals, type ProposalOptions, runProposals } from "./image_proposals.ts"

/** The options a proposal worker runs with (the test scales travel with each prepared image). */
export type ProposalTaskOptions = Omit<ProposalOptions, "scales">

/** An image's proposals (runProposals), their buffers moved back to the main thread. */
export const proposalTask: ImageTask<ProposalTaskOptions, ImageProposals> = {
  run: runProposals,
  transfer: (p) => [p.boxes.buffer, p.scores.buffer] as Array<ArrayBuffer>,
}

if (parentPort !== null && (workerData as Partial<ThreadData> | undefined)?.entry === import.meta.url)
  serveDetector(parentPort, workerData as DetectorWorkerData<ProposalTaskOptions>, proposalTask)
