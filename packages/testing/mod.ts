/** Helpers shared by the tests of every package (never imported by product code). @module */
export { deadPid, killChild, startChild } from "./child_process.ts"
export { sharedData, sharedDataOrSkip } from "./shared_data.ts"
