import { assert, describe, it } from "@effect/vitest"
import { ArmUnfinished, BadFlag, ResultsFileError } from "./errors.ts"

describe("errors", () => {
  it("ResultsFileError names the file and the problem", () => {
    const error = new ResultsFileError({ path: "/r/summary.json", problem: "it is not JSON" })
    assert.strictEqual(error._tag, "ResultsFileError")
    assert.strictEqual(error.message, 'Cannot use results file "/r/summary.json": it is not JSON')
  })
  it("ArmUnfinished names the run folder and the problem", () => {
    const error = new ArmUnfinished({ runDir: "/r/toy/sniper/seed-1", problem: "no metrics" })
    assert.strictEqual(error._tag, "ArmUnfinished")
    assert.strictEqual(error.message, 'Cannot summarize the run in "/r/toy/sniper/seed-1": no metrics')
  })
  it("BadFlag names the flag with its dashes", () => {
    const error = new BadFlag({ flag: "seeds", problem: "must be at least 1, got 0" })
    assert.strictEqual(error._tag, "BadFlag")
    assert.strictEqual(error.message, "Cannot run the experiment: --seeds must be at least 1, got 0")
  })
  it("are Errors carrying their fields", () => {
    const error = new BadFlag({ flag: "out", problem: "is empty" })
    assert.instanceOf(error, Error)
    assert.deepStrictEqual([error.flag, error.problem], ["out", "is empty"])
  })
})
