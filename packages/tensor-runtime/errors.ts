import { Schema } from "effect"

/** SNIPER_BACKEND (or a config field) names no backend this runtime knows. */
export class UnknownBackend extends Schema.TaggedError<UnknownBackend>()("UnknownBackend", {
  /** What was asked for, verbatim. */
  name: Schema.String,
  /** Where the name came from, e.g. "SNIPER_BACKEND" or "config.backend". */
  source: Schema.String,
}) {
  override get message() {
    return `Cannot choose a tensor backend: ${this.source} is "${this.name}"; use one of auto, tensorflow, wasm, cpu`
  }
}

/** A backend that was forced cannot be loaded on this machine. */
export class BackendUnavailable extends Schema.TaggedError<BackendUnavailable>()("BackendUnavailable", {
  backend: Schema.String,
  source: Schema.String,
  reason: Schema.String,
}) {
  override get message() {
    const hint =
      this.backend === "tensorflow"
        ? "; on a CUDA machine run `npm install -w @sniper/tensor-runtime --save-optional --save-exact @tensorflow/tfjs-node-gpu@4.22.0`, or unset it to fall back to wasm"
        : ""
    return `Cannot load the ${this.backend} tensor backend forced by ${this.source}: ${this.reason}${hint}`
  }
}
