import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { TensorRuntime } from "@sniper/tensor-runtime"
import { Effect, Logger } from "effect"
import { temporary } from "./experiment_fixtures.ts"
import { quickExperiment } from "./quick.ts"
import { runExperiment } from "./run_experiment.ts"
import { sniperVsPyramid } from "./sniper_vs_pyramid.ts"
import { apNames, type ExperimentSummary } from "./summary.ts"

const main = fileURLToPath(new URL("./main.ts", import.meta.url))
const experiment = quickExperiment(sniperVsPyramid)
const arms = experiment.arms.map((a) => a.name)

function experimentCli(args: ReadonlyArray<string>) {
  return spawnSync(process.execPath, [main, ...args], { encoding: "utf8", timeout: 200_000 })
}

const json = (path: string) => JSON.parse(readFileSync(path, "utf8"))
const stats = (root: string, arm: string): Array<number> => json(join(root, arm, "seed-1", "metrics.json")).stats

/** sha256 of every file under `dir`, by relative path. */
function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    out[path.slice(dir.length + 1)] = createHash("sha256").update(readFileSync(path)).digest("hex")
  }
  return out
}

describe("sniper-vs-pyramid --quick", () => {
  it.live(
    "runs every arm end to end, summarizes their metrics, and gives the same numbers again when rerun or resumed",
    () =>
      Effect.gen(function* () {
        const first = temporary("experiment-a-")
        const run = experimentCli(["sniper-vs-pyramid", "--quick", "--out", first])
        assert.strictEqual(run.status, 0, run.stderr.slice(-2000))
        const a = join(first, "sniper-vs-pyramid-quick")
        for (const arm of arms) {
          for (const file of ["config.json", "log.jsonl", "metrics.json", "training.json", "checkpoint.safetensors"])
            assert.isTrue(existsSync(join(a, arm, "seed-1", file)), `${arm}/seed-1/${file}`)
        }
        for (const file of ["summary.json", "summary.md", "ap_vs_pixels.svg", "ap_by_size.svg"])
          assert.isTrue(existsSync(join(a, file)), file)
        assert.include(readFileSync(join(a, "ap_vs_pixels.svg"), "utf8"), "SNIPER, positive chips")

        // The summary's numbers are the arms' own (one seed: the mean is the value, the spread 0).
        const summary: ExperimentSummary = json(join(a, "summary.json"))
        assert.deepStrictEqual(
          summary.arms.map((s) => s.arm),
          arms,
        )
        for (const s of summary.arms) {
          const own = stats(a, s.arm)
          const record = json(join(a, s.arm, "seed-1", "training.json"))
          apNames.forEach((name, i) => {
            assert.deepStrictEqual(s[name], { mean: own[i], std: 0 }, `${s.arm} ${name}`)
          })
          assert.strictEqual(s.inputPixels.mean, record.training.inputPixels)
          assert.strictEqual(s.imagePixels.mean, record.training.imagePixels)
          assert.strictEqual(s.steps.mean, json(join(a, s.arm, "seed-1", "result.json")).steps)
          assert.include(run.stdout, `| ${s.AP.mean.toFixed(3)} |`)
        }
        // Every arm had the pixel budget of one pyramid epoch, the pyramid exactly that.
        const pyramid = json(join(a, "pyramid", "seed-1", "training.json"))
        assert.strictEqual(pyramid.epochs, 1)
        assert.strictEqual(pyramid.budget.target, pyramid.training.imagePixels)
        const negatives = json(join(a, "sniper-negatives", "seed-1", "training.json"))
        assert.isAbove(negatives.rpnStage.chips, 0)
        assert.isTrue(existsSync(join(a, "sniper-negatives", "seed-1", "rpn-stage", "proposals_train.json")))

        // The same experiment in a second folder, in this process: the same data set and numbers.
        const second = temporary("experiment-b-")
        const b = join(second, "sniper-vs-pyramid-quick")
        const again = () =>
          runExperiment(experiment, { out: second, progress: "lines" }).pipe(
            Effect.provide([TensorRuntime.layerQuiet, Logger.layer([])]),
          )
        yield* again()
        assert.deepStrictEqual(hashes(join(b, "data")), hashes(join(a, "data")), "the same data set, byte for byte")
        for (const arm of arms) assert.deepStrictEqual(stats(b, arm), stats(a, arm), arm)

        // Resumed after one arm was killed before its evaluation ended and another lost: the same numbers again,
        // the killed arm from its last checkpoint, finished arms not rerun.
        for (const file of ["metrics.json", "training.json", "result.json"]) rmSync(join(b, "sniper", "seed-1", file))
        rmSync(join(b, "pyramid"), { recursive: true })
        const kept = statSync(join(b, "single-scale", "seed-1", "metrics.json")).mtimeMs
        const wallBefore = json(join(b, "sniper", "seed-1", "wall.json")).seconds
        const steps = readFileSync(join(b, "sniper", "seed-1", "log.jsonl"), "utf8")
        const { summary: resumed } = yield* again()
        for (const arm of arms) assert.deepStrictEqual(stats(b, arm), stats(a, arm), arm)
        assert.strictEqual(statSync(join(b, "single-scale", "seed-1", "metrics.json")).mtimeMs, kept, "not rerun")
        assert.strictEqual(readFileSync(join(b, "sniper", "seed-1", "log.jsonl"), "utf8"), steps, "no step again")
        assert.isAbove(json(join(b, "sniper", "seed-1", "training.json")).wallSeconds, wallBefore)
        const numbers = (x: ExperimentSummary) => x.arms.map(({ wallSeconds: _, ...rest }) => rest)
        assert.deepStrictEqual(numbers(resumed), numbers(summary))
      }),
    240_000,
  )
  it("refuses bad flags with exit code 2 and plans without training", () => {
    const out = temporary("experiment-cli-")
    const seeds = experimentCli(["sniper-vs-pyramid", "--quick", "--seeds", "0", "--out", out])
    assert.strictEqual(seeds.status, 2)
    assert.include(seeds.stderr, "experiment: Cannot run the experiment: --seeds must be at least 1, got 0")
    assert.strictEqual(experimentCli(["no-such-experiment"]).status, 2)
    const plan = experimentCli(["valid-ranges", "--quick", "--plan", "--out", out])
    assert.strictEqual(plan.status, 0, plan.stderr)
    assert.match(plan.stdout, /valid-ranges-quick: budget chips of sniper in 1 epoch = \d+/)
    assert.match(plan.stdout, /no-ignore: 1 epoch, \d+ chips of 128 px/)
    assert.isFalse(existsSync(join(out, "valid-ranges-quick", "sniper")), "nothing trained")
  })
})
