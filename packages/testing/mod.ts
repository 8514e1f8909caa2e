/** Helpers shared by the tests of every package (never imported by product code). @module */
export { sharedData, sharedDataOrSkip } from "./shared_data.ts"
