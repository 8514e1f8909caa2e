/**
 * The one seeded generator of the project: `new Prng([seed, epoch, image])` gives the same sequence for the same
 * keys on every machine, so chips, synthetic data, initial weights and sampling repeat exactly.
 *
 * ```ts
 * import { Prng } from "@sniper/random"
 * const prng = new Prng([7, 0])
 * prng.int(56, 59) // the reference's random chip stride
 * ```
 * @module
 */
export { normals, Prng, shuffleInPlace } from "./prng.ts"
