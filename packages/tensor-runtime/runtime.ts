/**
 * The TensorRuntime service: which tfjs backend runs the tensors of this process. Building its layer picks
 * the first backend that loads, in the order tfjs-node-gpu, tfjs-node, wasm, cpu (or the one forced by
 * SNIPER_BACKEND / a config field), registers the training kernels, and logs the choice once.
 */
import * as tf from "@tensorflow/tfjs"
import { Config, Context, Effect, Layer } from "effect"
import { BackendUnavailable, UnknownBackend } from "./errors.ts"
import { registerTrainingKernels } from "./register_training_kernels.ts"

/** What SNIPER_BACKEND may say: "tensorflow" means tfjs-node-gpu, else tfjs-node. */
export const BACKEND_CHOICES = ["auto", "tensorflow", "wasm", "cpu"] as const
export type BackendChoice = (typeof BACKEND_CHOICES)[number]

/** The backend in use, once chosen. */
export interface RuntimeInfo {
  /** tfjs's name for the backend: "tensorflow", "wasm" or "cpu". */
  readonly backend: "tensorflow" | "wasm" | "cpu"
  /** The npm package providing it, e.g. "@tensorflow/tfjs-backend-wasm". */
  readonly package: string
  readonly version: string
  /** Threads its kernels use (wasm: XNNPACK's pool; cpu: 1). */
  readonly threads: number
  /** Faster backends that did not load, and why. */
  readonly skipped: ReadonlyArray<{ readonly package: string; readonly reason: string }>
}

interface Candidate {
  readonly package: string
  readonly load: () => Promise<Omit<RuntimeInfo, "skipped">>
}

// Specifiers in variables: the native packages are optional and absent from the type graph.
async function loadNative(pkg: string): Promise<Omit<RuntimeInfo, "skipped">> {
  const specifier: string = pkg
  const mod = (await import(specifier)) as { version?: Record<string, string> | string }
  if (!(await tf.setBackend("tensorflow"))) throw new Error(`${pkg} loaded but its backend did not initialise`)
  const version = typeof mod.version === "string" ? mod.version : (mod.version?.["tfjs-node"] ?? tf.version_core)
  return { backend: "tensorflow", package: pkg, version, threads: 0 }
}

const candidates: Record<"tensorflow-gpu" | "tensorflow-cpu" | "wasm" | "cpu", Candidate> = {
  "tensorflow-gpu": { package: "@tensorflow/tfjs-node-gpu", load: () => loadNative("@tensorflow/tfjs-node-gpu") },
  "tensorflow-cpu": { package: "@tensorflow/tfjs-node", load: () => loadNative("@tensorflow/tfjs-node") },
  wasm: {
    package: "@tensorflow/tfjs-backend-wasm",
    load: async () => {
      const wasm = await import("@tensorflow/tfjs-backend-wasm")
      if (!(await tf.setBackend("wasm"))) throw new Error("the wasm module did not initialise")
      return {
        backend: "wasm",
        package: "@tensorflow/tfjs-backend-wasm",
        version: wasm.version_wasm,
        threads: wasm.getThreadsCount(),
      }
    },
  },
  cpu: {
    package: "@tensorflow/tfjs-backend-cpu",
    load: async () => {
      if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend did not initialise")
      return { backend: "cpu", package: "@tensorflow/tfjs-backend-cpu", version: tf.version_core, threads: 1 }
    },
  },
}

const order: Record<BackendChoice, ReadonlyArray<Candidate>> = {
  auto: [candidates["tensorflow-gpu"], candidates["tensorflow-cpu"], candidates.wasm, candidates.cpu],
  tensorflow: [candidates["tensorflow-gpu"], candidates["tensorflow-cpu"]],
  wasm: [candidates.wasm],
  cpu: [candidates.cpu],
}

function reasonOf(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause)
  if (/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(text)) return "not installed"
  return text.split("\n")[0]
}

/** Tries each candidate of `choice` in order; the first that loads wins. */
export const selectBackend = Effect.fn("selectBackend")(function* (choice: string, source: string) {
  if (!(BACKEND_CHOICES as ReadonlyArray<string>).includes(choice))
    return yield* new UnknownBackend({ name: choice, source })
  registerTrainingKernels()
  const skipped: Array<{ package: string; reason: string }> = []
  for (const candidate of order[choice as BackendChoice]) {
    const loaded = yield* Effect.tryPromise(() => candidate.load()).pipe(
      Effect.map((info) => ({ ...info, skipped: [...skipped] }) satisfies RuntimeInfo),
      Effect.catch((error) => {
        skipped.push({ package: candidate.package, reason: reasonOf(error.cause ?? error) })
        return Effect.succeed(undefined)
      }),
    )
    if (loaded !== undefined) {
      // Again now that the backend's module has registered its own kernels: the replacements need them there.
      registerTrainingKernels()
      return loaded
    }
  }
  return yield* new BackendUnavailable({
    backend: choice,
    source,
    reason: skipped.map((s) => `${s.package}: ${s.reason}`).join("; "),
  })
})

/** One line for logs and the CLI: "wasm (@tensorflow/tfjs-backend-wasm 4.22.0, 1 thread)". */
export function describeRuntime(info: RuntimeInfo): string {
  const threads = info.threads > 0 ? `, ${info.threads} thread${info.threads === 1 ? "" : "s"}` : ""
  const skipped =
    info.skipped.length === 0 ? "" : `; skipped ${info.skipped.map((s) => `${s.package} (${s.reason})`).join(", ")}`
  return `${info.backend} (${info.package} ${info.version}${threads})${skipped}`
}

const fromEnv = (log: boolean) =>
  Layer.unwrap(
    Effect.gen(function* () {
      const choice = yield* Config.String("SNIPER_BACKEND").pipe(Config.withDefault("auto"))
      return layerFor(choice.trim().toLowerCase(), "SNIPER_BACKEND", log)
    }),
  )

function layerFor(choice: string, source: string, log: boolean) {
  return Layer.effect(
    TensorRuntime,
    selectBackend(choice, source).pipe(
      Effect.tap((info) => (log ? Effect.logInfo(`tensor backend: ${describeRuntime(info)}`) : Effect.void)),
      Effect.map((info) => TensorRuntime.of(info)),
    ),
  )
}

export class TensorRuntime extends Context.Service<TensorRuntime, RuntimeInfo>()(
  "sniper/tensor-runtime/TensorRuntime",
) {
  /** The backend named by `choice` (a config field), `source` naming that field in errors. */
  static readonly layerFor = (choice: string, source = "config.backend") => layerFor(choice, source, true)

  /** The backend named by SNIPER_BACKEND, "auto" when unset; logs the choice once. */
  static readonly layer = fromEnv(true)

  /** As `layer`, without the log line (for commands whose output is the report itself). */
  static readonly layerQuiet = fromEnv(false)
}
