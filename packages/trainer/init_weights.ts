import { type Detector, importTorchvisionResnet } from "@sniper/detector-model"
import { Effect } from "effect"

/**
 * Loads the pretrained backbone that `detector.init` names into a freshly created detector. Called where a run
 * (or its short-schedule RPN) starts from scratch, never on resume: there the checkpoint holds the weights.
 */
export const initBackbone = Effect.fn("initBackbone")(function* (detector: Detector) {
  const init = detector.config.init
  if (init === undefined) return
  const tensors = yield* importTorchvisionResnet(init.torchvision, detector)
  const { depth, freezeAt } = detector.config.backbone
  yield* Effect.logInfo(
    `backbone: ResNet-${depth} from ${init.torchvision} (${tensors} tensors)${freezeAt > 0 ? `, stages up to ${freezeAt === 1 ? "the stem" : "res2"} frozen` : ""}`,
  )
})
