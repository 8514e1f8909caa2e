import { join } from "node:path"
import { loadDataset } from "@sniper/coco-io"
import { TensorRuntime } from "@sniper/tensor-runtime"
import { train } from "@sniper/trainer"
import { Effect, Logger } from "effect"
import { armConfig, withEpochs } from "./arm_config.ts"
import { experiments } from "./experiments.ts"
import { prepareData } from "./synthetic_data.ts"

const [expName, armName, stepsArg, outArg] = process.argv.slice(2)
const experiment = experiments.find((e) => e.name === expName)!
const arm = experiment.arms.find((a) => a.name === armName)!
const steps = Number(stepsArg)
const program = Effect.gen(function* () {
  const data = yield* prepareData(join("/tmp/exfull2", experiment.name, "data"), experiment.data)
  const trainSet = yield* loadDataset(data.train.annotations)
  const config = withEpochs(
    yield* armConfig(experiment, arm, { seed: 1, data, trainSet }),
    Number(process.env.EPOCHS ?? 50),
    0.8,
  )
  const runDir = join(outArg, `${armName}-${steps}`)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const r = yield* train({
    config,
    runDir,
    dataDir: data.dir,
    maxSteps: steps > 0 ? steps : undefined,
    evaluate: steps <= 0,
    progress: "lines",
  })
  const cpu = process.cpuUsage(cpu0)
  console.log(
    JSON.stringify({
      arm: armName,
      chipSize: config.chips.chipSize,
      steps: r.steps,
      wall: (performance.now() - t0) / 1000,
      cpuUser: cpu.user / 1e6,
      cpuSys: cpu.system / 1e6,
    }),
  )
})
await Effect.runPromise(program.pipe(Effect.provide([TensorRuntime.layerQuiet, Logger.layer([])])))
