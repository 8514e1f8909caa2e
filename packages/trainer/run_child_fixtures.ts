/**
 * Test-only child process, killed by its test with SIGKILL:
 * `lock <runDir>` opens the run folder (taking run.lock) and prints "locked";
 * `checkpoint <runDir>` saves checkpoints of the tiny detector in a loop, progress step k, printing k;
 * `train <runDir> <dataDir> <config.json> <maxSteps>` trains that configuration into the run folder.
 */
import { readFileSync } from "node:fs"
import { TensorRuntime } from "@sniper/tensor-runtime"
import { Effect, Layer, type Scope } from "effect"
import { scopedDetector, scopedOptimizer } from "./_resources.ts"
import { checkpointPath, saveCheckpoint } from "./checkpoint.ts"
import { silentLogs } from "./log_fixtures.ts"
import { decodeTrainConfig, StepRunner, train } from "./mod.ts"
import { openRunDir } from "./run_dir.ts"
import { tinyTrainConfig } from "./tiny_config_fixtures.ts"

const [mode, runDir, dataDir, configPath, maxSteps] = process.argv.slice(2)
const layer = Layer.mergeAll(TensorRuntime.layerQuiet, StepRunner.inProcess, silentLogs)

const program: Effect.Effect<unknown, unknown, Scope.Scope | TensorRuntime | StepRunner> =
  mode === "lock"
    ? Effect.gen(function* () {
        yield* openRunDir(runDir)
        process.stdout.write("locked\n")
        // Effect.never holds no handle: keep the process alive until it is killed
        setInterval(() => {}, 60_000)
        yield* Effect.never
      })
    : mode === "checkpoint"
      ? Effect.gen(function* () {
          const config = tinyTrainConfig()
          const detector = yield* scopedDetector(config)
          const optimizer = yield* scopedOptimizer(config.optimizer)
          for (let k = 1; ; k++) {
            for (const v of detector.params.variables.values()) v.assign(v.mul(0).add(k))
            yield* saveCheckpoint(checkpointPath(runDir), {
              detector,
              optimizer,
              progress: { step: k, epoch: 0, chipsDone: k },
            })
            process.stdout.write(`${k}\n`)
          }
        })
      : Effect.gen(function* () {
          const config = yield* decodeTrainConfig(JSON.parse(readFileSync(configPath, "utf8")))
          yield* train({ config, runDir, dataDir, evaluate: false, progress: "lines", maxSteps: Number(maxSteps) })
        })

await Effect.runPromise(Effect.scoped(program).pipe(Effect.provide(layer)))
