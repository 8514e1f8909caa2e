import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { temporary } from "./experiment_fixtures.ts"
import { withWallClock } from "./wall_clock.ts"

describe("withWallClock()", () => {
  it.live("adds the time of this attempt to what earlier attempts recorded, and saves the total", () =>
    Effect.gen(function* () {
      const path = join(temporary("wall-"), "wall.json")
      // 30 ms of sleep, measured against a timer that may fire a millisecond or so early.
      const first = yield* withWallClock(path, Effect.as(Effect.sleep("30 millis"), "done"))
      assert.strictEqual(first.value, "done")
      assert.isTrue(first.seconds >= 0.02 && first.seconds < 5, String(first.seconds))
      writeFileSync(path, JSON.stringify({ seconds: 100 }))
      const second = yield* withWallClock(path, Effect.sleep("30 millis"))
      assert.isTrue(second.seconds >= 100.02 && second.seconds < 105, String(second.seconds))
      assert.deepStrictEqual(JSON.parse(readFileSync(path, "utf8")), { seconds: second.seconds })
    }),
  )
})
