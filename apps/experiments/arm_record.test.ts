import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { ArmRecord, recordFile } from "./arm_record.ts"

const totals = { chips: 8, inputPixels: 8 * 128 * 128, imagePixels: 90000 }
const record: ArmRecord = {
  experiment: "valid-ranges",
  arm: "sniper",
  seed: 1,
  budget: { unit: "chips", target: 56 },
  epochs: 7,
  steps: 14,
  chipSize: 128,
  training: { chips: 56, inputPixels: 56 * 128 * 128, imagePixels: 630000 },
  perEpoch: Array.from({ length: 7 }, () => totals),
  wallSeconds: 61.5,
}
const decode = Schema.decodeUnknownSync(ArmRecord)
const refuses = (value: unknown) => assert.throws(() => decode(value))

describe("ArmRecord", () => {
  it("is kept in training.json", () => {
    assert.strictEqual(recordFile, "training.json")
  })
  it("decodes a record with and without an RPN stage", () => {
    assert.deepStrictEqual(decode(record), record)
    const withStage = { ...record, rpnStage: { epochs: 2, ...totals } }
    assert.deepStrictEqual(decode(withStage), withStage)
    assert.deepStrictEqual(decode(JSON.parse(JSON.stringify(withStage))), withStage)
  })
  it("refuses negative counts, fractional seeds, epochs and steps, and unknown units", () => {
    refuses({ ...record, seed: 1.5 })
    refuses({ ...record, epochs: 6.5 })
    refuses({ ...record, steps: "14" })
    refuses({ ...record, wallSeconds: -1 })
    refuses({ ...record, budget: { unit: "images", target: 56 } })
    refuses({ ...record, budget: { unit: "chips", target: -56 } })
    refuses({ ...record, training: { ...record.training, chips: -1 } })
    refuses({ ...record, perEpoch: [{ chips: 8, inputPixels: Number.NaN, imagePixels: 0 }] })
    refuses({ ...record, rpnStage: { epochs: 1.5, ...totals } })
  })
  it("refuses a record missing a field", () => {
    const { wallSeconds: _, ...withoutWall } = record
    refuses(withoutWall)
    const { training: __, ...withoutTraining } = record
    refuses(withoutTraining)
  })
})
