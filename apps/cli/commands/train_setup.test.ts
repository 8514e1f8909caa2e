import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { tinyOverlay } from "../train_fixtures.ts"
import { type TrainFlags, trainSetup } from "./_train_setup.ts"

const dir = mkdtempSync(join(tmpdir(), "train-setup-"))
const file = (name: string, json: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(json))
  return path
}
const none: TrainFlags = {
  preset: Option.none(),
  config: Option.none(),
  runDir: Option.none(),
  trainAnnotations: Option.none(),
  trainImages: Option.none(),
  valAnnotations: Option.none(),
  valImages: Option.none(),
  init: Option.none(),
  epochs: Option.none(),
  maxSteps: Option.none(),
}
const flags = (given: Partial<Record<keyof TrainFlags, string | number>>): TrainFlags => {
  const out: Record<string, unknown> = { ...none }
  for (const [key, value] of Object.entries(given)) out[key] = Option.some(value)
  return out as unknown as TrainFlags
}

/** A COCO instances file with `classes` categories (ids 1, 3, 5, ...) and one image. */
function instances(name: string, classes: number) {
  const categories = Array.from({ length: classes }, (_, i) => ({ id: 2 * i + 1, name: `c${i}` }))
  return file(name, {
    images: [{ id: 1, file_name: "a.jpg", width: 64, height: 48 }],
    annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 10, 12], area: 120, iscrowd: 0 }],
    categories,
  })
}

describe("trainSetup()", () => {
  it.effect("lays --config over --preset: objects merge, arrays and scalars replace, null removes", () =>
    Effect.gen(function* () {
      const config = file("over-r50.json", {
        epochs: 2,
        negatives: { rpnEpochs: 1 },
        chips: { scales: [{ factor: 2 }], validRanges: [[-1, -1]] },
      })
      const setup = yield* trainSetup(flags({ preset: "sniper-coco-r50", config }))
      assert.strictEqual(setup.config.name, "sniper-coco-r50")
      assert.strictEqual(setup.config.detector.backbone.depth, 50, "the preset's ResNet-50 stays")
      assert.strictEqual(setup.config.chips.chipSize, 512)
      assert.strictEqual(setup.config.epochs, 2)
      assert.deepStrictEqual(setup.config.negatives, { rpnEpochs: 1 })
      assert.deepStrictEqual(setup.config.chips.scales, [{ factor: 2 }])
      assert.strictEqual(setup.config.optimizer.learningRate, 0.015)
      const dropped = yield* trainSetup(
        flags({ preset: "sniper-coco-r50", config: file("no-neg.json", { negatives: null }) }),
      )
      assert.isUndefined(dropped.config.negatives)
    }),
  )

  it.effect("takes numClasses from the training data unless the user's config sets it", () =>
    Effect.gen(function* () {
      // The preset's 80 COCO classes against the synthetic data set's 6.
      const preset = yield* trainSetup(flags({ preset: "sniper-coco-r50" }))
      assert.strictEqual(preset.config.detector.numClasses, 6)
      assert.include(preset.layers.join(" + "), "6 classes from the training data")
      const annotations = instances("three.json", 3)
      const images = join(dir, "images")
      mkdirSync(images, { recursive: true })
      const data = yield* trainSetup(flags({ trainAnnotations: annotations, trainImages: images }))
      assert.strictEqual(data.config.detector.numClasses, 3)
      assert.deepStrictEqual(data.config.data.train, { annotations, images })
      assert.isUndefined(data.config.data.val)
      const set = file("four.json", { detector: { numClasses: 4 } })
      const mine = yield* trainSetup(flags({ config: set, trainAnnotations: annotations, trainImages: images }))
      assert.strictEqual(mine.config.detector.numClasses, 4, "kept, and left for the trainer to refuse")
    }),
  )

  it.effect("resumes a run folder with its config.json when neither --preset nor --config is given", () =>
    Effect.gen(function* () {
      const first = yield* trainSetup(flags({ config: file("tiny.json", tinyOverlay) }))
      const runDir = join(dir, "run")
      mkdirSync(runDir)
      writeFileSync(join(runDir, "config.json"), JSON.stringify(first.config))
      const again = yield* trainSetup(flags({ runDir, epochs: 5 }))
      assert.deepStrictEqual(again.config, { ...first.config, epochs: 5 })
      assert.strictEqual(again.runDir, runDir)
      assert.strictEqual(first.runDir, join(process.cwd(), "runs", "tiny"))
    }),
  )

  it.effect("sets detector.init from --init, as an absolute path", () =>
    Effect.gen(function* () {
      const weights = file("resnet18.safetensors", {})
      const setup = yield* trainSetup(flags({ init: weights }))
      assert.deepStrictEqual(setup.config.detector.init, { torchvision: weights })
    }),
  )

  it.effect("refuses bad flags before any work, naming the flag", () =>
    Effect.gen(function* () {
      const problem = (given: Partial<Record<keyof TrainFlags, string | number>>) =>
        trainSetup(flags(given)).pipe(
          Effect.flip,
          Effect.map((e) => `${e._tag}: ${e.message}`),
        )
      const annotations = instances("one.json", 1)
      assert.strictEqual(
        yield* problem({ trainAnnotations: annotations }),
        "UsageError: Cannot train: --train-images is needed with --train-annotations",
      )
      assert.match(
        yield* problem({ valAnnotations: annotations, valImages: dir }),
        /^UsageError: .*--val-annotations needs --train-annotations/,
      )
      assert.strictEqual(
        yield* problem({ trainAnnotations: annotations, trainImages: annotations }),
        `UsageError: Cannot train: --train-images names "${annotations}", which is not a folder`,
      )
      assert.strictEqual(
        yield* problem({ maxSteps: 0 }),
        "UsageError: Cannot train: --max-steps must be at least 1, got 0",
      )
      assert.strictEqual(
        yield* problem({ config: join(dir, "absent.json") }),
        `UsageError: Cannot train: --config names "${join(dir, "absent.json")}", which does not exist`,
      )
      assert.strictEqual(
        yield* problem({ config: file("typo.json", { negative: { rpnEpochs: 1 } }) }),
        `InvalidTrainConfig: Cannot train: negative is not a configuration field; did you mean "negatives"? (in preset demo + ${join(dir, "typo.json")})`,
      )
    }),
  )
})
