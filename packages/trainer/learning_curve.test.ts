import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { TensorRuntime } from "@sniper/tensor-runtime"
import { Effect } from "effect"
import { type CurvePoint, parseCurve, readCurve, recordCurvePoint, withPoint } from "./learning_curve.ts"
import { silentLogs } from "./log_fixtures.ts"
import { StepRunner, train } from "./mod.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

const point = (step: number, ap = step / 100): CurvePoint => ({
  epoch: step,
  step,
  stats: [ap, 2 * ap, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  images: 3,
  seconds: 1,
})

describe("learning curve", () => {
  it("reads its points in step order and drops a half-written last line", () => {
    const text = `${JSON.stringify(point(4))}\n${JSON.stringify(point(2))}\n{"epoch":3,"st`
    assert.deepStrictEqual(
      parseCurve(text).map((p) => p.step),
      [2, 4],
    )
    assert.deepStrictEqual(parseCurve(`${JSON.stringify({ ...point(1), stats: [0.1] })}\n`), [])
  })

  it("replaces the points at or after a new point's step (a resumed attempt's)", () => {
    const curve = [point(1), point(2), point(3)]
    assert.deepStrictEqual(
      withPoint(curve, point(2, 0.5)).map((p) => [p.step, p.stats[0]]),
      [
        [1, 0.01],
        [2, 0.5],
      ],
    )
    assert.deepStrictEqual(
      withPoint(curve, point(9)).map((p) => p.step),
      [1, 2, 3, 9],
    )
  })

  it.effect("records points in curve.jsonl and draws ap_curve.svg", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "curve-"))
      assert.deepStrictEqual(yield* readCurve(dir), [])
      yield* recordCurvePoint(dir, point(5), { name: "t" })
      yield* recordCurvePoint(dir, point(10), { name: "t" })
      assert.deepStrictEqual(
        (yield* readCurve(dir)).map((p) => p.step),
        [5, 10],
      )
      assert.match(readFileSync(join(dir, "ap_curve.svg"), "utf8"), /^<svg/)
    }),
  )
})

const run = (runDir: string, options: { epochs: number; evaluate?: boolean; extend?: boolean }) => {
  const tiny = tinyTrainConfig()
  const config = tinyTrainConfig({ epochs: options.epochs, test: { ...tiny.test, everyEpochs: 1, maxImages: 2 } })
  return train({ config, runDir, dataDir, evaluate: options.evaluate, extend: options.extend }).pipe(
    Effect.provide([TensorRuntime.layerQuiet, StepRunner.inProcess, silentLogs]),
  )
}
const dataDir = mkdtempSync(join(tmpdir(), "curve-data-"))

describe("train() with test.everyEpochs", () => {
  it.effect(
    "evaluates after each epoch, the final evaluation last; a resume at an epoch's end evaluates what a kill skipped",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "curve-run-"))
        // One epoch without evaluation stands for a kill between the epoch's checkpoint and its evaluation.
        yield* run(dir, { epochs: 1, evaluate: false })
        assert.deepStrictEqual(yield* readCurve(dir), [])
        const result = yield* run(dir, { epochs: 3, extend: true })
        assert.isTrue(result.finished)
        const curve = yield* readCurve(dir)
        const records = readFileSync(join(dir, "log.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { epoch: number; step: number })
        const epochEnds = [1, 2, 3].map((e) => Math.max(...records.filter((r) => r.epoch === e).map((r) => r.step)))
        assert.deepStrictEqual(
          curve.map((p) => [p.epoch, p.step]),
          epochEnds.map((step, i) => [i + 1, step]),
        )
        assert.deepStrictEqual(curve.at(-1)?.stats, result.stats)
        for (const p of curve) assert.strictEqual(p.images, 2)
        // Evaluated again, the finished run replaces its last point and keeps the others.
        yield* run(dir, { epochs: 3 })
        const again = yield* readCurve(dir)
        assert.deepStrictEqual(
          again.map((p) => [p.epoch, p.step, p.stats]),
          curve.map((p) => [p.epoch, p.step, p.stats]),
        )
      }),
    300_000,
  )
})
