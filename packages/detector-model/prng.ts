export { mulberry32 as makePrng, normals, shuffleInPlace } from "@sniper/random"
