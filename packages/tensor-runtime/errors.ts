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

/** A weights file cannot be written: nothing was left at `path` (the previous file, if any, is intact). */
export class WeightsWriteError extends Schema.TaggedError<WeightsWriteError>()("WeightsWriteError", {
  path: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot write weights to "${this.path}": ${this.problem}; check that the folder exists and is writable`
  }
}

/** A weights file is missing, truncated or not valid safetensors. */
export class WeightsFileError extends Schema.TaggedError<WeightsFileError>()("WeightsFileError", {
  path: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot read weights from "${this.path}": ${this.problem}`
  }
}

/** A valid weights file whose tensors do not match what the model expects; every difference is listed. */
export class WeightsMismatch extends Schema.TaggedError<WeightsMismatch>()("WeightsMismatch", {
  path: Schema.String,
  problems: Schema.Array(Schema.String),
}) {
  override get message() {
    const shown = this.problems.slice(0, 8).join("; ")
    const more = this.problems.length > 8 ? `; and ${this.problems.length - 8} more` : ""
    return `Cannot load weights from "${this.path}" into this model: ${shown}${more}`
  }
}

/** A weights file whose bytes changed after it was written (disk or copy damage): a tensor fails its checksum. */
export class WeightsCorrupt extends Schema.TaggedError<WeightsCorrupt>()("WeightsCorrupt", {
  path: Schema.String,
  /** The tensor at fault, "" when the checksum record itself is damaged. */
  tensor: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    const what = this.tensor === "" ? "" : ` tensor "${this.tensor}"`
    return `Cannot read weights from "${this.path}": it is damaged,${what} ${this.problem}; restore the file from a copy or delete it`
  }
}
