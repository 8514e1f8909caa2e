import { normals } from "@sniper/random"
import * as tf from "@tensorflow/tfjs"

/** How a parameter starts: He normal over fan-out (convs, as torchvision), a fixed-std normal, or a constant. */
export type Init =
  | { readonly kind: "heFanOut" }
  | { readonly kind: "normal"; readonly std: number }
  | { readonly kind: "constant"; readonly value: number }

/** One named tensor of the model. Conv filters are [kh, kw, in, out] (tfjs HWIO), dense [in, out]. */
export interface ParamSpec {
  readonly name: string
  readonly shape: ReadonlyArray<number>
  readonly init: Init
  /** False for batch-norm running statistics and frozen layers. */
  readonly trainable: boolean
}

/** The model's state: every tensor by name, and the names the optimizer updates. */
export interface Parameters {
  readonly variables: ReadonlyMap<string, tf.Variable>
  readonly trainable: ReadonlyArray<string>
}

function initialValues(spec: ParamSpec, prng: () => number): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1)
  const { init } = spec
  if (init.kind === "constant") return new Float32Array(size).fill(init.value)
  const std =
    init.kind === "normal"
      ? init.std
      : Math.sqrt(2 / (spec.shape.length === 4 ? spec.shape[0] * spec.shape[1] * spec.shape[3] : spec.shape[1]))
  const values = normals(size, prng)
  for (let i = 0; i < size; i++) values[i] *= std
  return values
}

/** Creates the variables of `specs` from a seeded generator (same seed, same weights on every backend). */
export function createParameters(specs: ReadonlyArray<ParamSpec>, prng: () => number): Parameters {
  const variables = new Map<string, tf.Variable>()
  const trainable: Array<string> = []
  for (const spec of specs) {
    if (variables.has(spec.name))
      throw new RangeError(`Cannot create parameters: duplicate name, current value is "${spec.name}"`)
    const value = tf.tensor(initialValues(spec, prng), spec.shape as Array<number>, "float32")
    variables.set(spec.name, tf.variable(value, spec.trainable))
    value.dispose()
    if (spec.trainable) trainable.push(spec.name)
  }
  return { variables, trainable }
}

/** Looks a parameter up, failing loudly on a wrong name (a programmer error). */
export function param(params: Parameters, name: string): tf.Variable {
  const v = params.variables.get(name)
  if (v === undefined) throw new RangeError(`Cannot find parameter: unknown name, current value is "${name}"`)
  return v
}

/** Frees every variable. */
export function disposeParameters(params: Parameters): void {
  for (const v of params.variables.values()) v.dispose()
}
