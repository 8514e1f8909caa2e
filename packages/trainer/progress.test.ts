import { Writable } from "node:stream"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { captureLogs, messages } from "./log_fixtures.ts"
import { barFits, formatDuration, progressLine, runSecondsLeft, type StepReport, withRunProgress } from "./progress.ts"

const losses = {
  total: 1.5,
  rpnClass: 0.25,
  rpnBox: 0.125,
  roiClass: 1,
  roiBox: 0.125,
  counts: { rpnFg: 3, rpnBg: 5, rois: 8, roiFg: 2 },
}
const report = (step: number): StepReport => ({ step, epoch: 1, epochs: 3, chips: 4, losses, rate: 0.00125 })

/** A terminal stand-in: keeps what a bar writes. */
function fakeTerminal() {
  const chunks: Array<string> = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  }) as Writable & { isTTY: boolean; columns: number }
  stream.isTTY = true
  stream.columns = 160
  return { stream, text: () => chunks.join("") }
}

describe("formatDuration() and runSecondsLeft()", () => {
  it("formats seconds, minutes and hours, and ? before an estimate", () => {
    assert.strictEqual(formatDuration(42.4), "42s")
    assert.strictEqual(formatDuration(185), "3m05s")
    assert.strictEqual(formatDuration(3600 + 2 * 60 + 40), "1h02m")
    assert.strictEqual(formatDuration(Number.POSITIVE_INFINITY), "?")
    assert.strictEqual(formatDuration(Number.NaN), "?")
  })

  it("gives the run's time left at this session's mean time per step", () => {
    // 10 steps in 50 s: 5 s a step, 30 steps left
    assert.strictEqual(runSecondsLeft({ stepsDone: 10, seconds: 50, stepsLeft: 30 }), 150)
    assert.strictEqual(runSecondsLeft({ stepsDone: 10, seconds: 50, stepsLeft: -2 }), 0)
    assert.strictEqual(runSecondsLeft({ stepsDone: 0, seconds: 3, stepsLeft: 30 }), Number.POSITIVE_INFINITY)
  })
})

describe("barFits()", () => {
  it("wants a terminal outside CI", () => {
    assert.isTrue(barFits({ isTTY: true }, {}))
    assert.isTrue(barFits({ isTTY: true }, { CI: "false" }))
    assert.isTrue(barFits({ isTTY: true }, { CI: "0" }))
    assert.isFalse(barFits({ isTTY: true }, { CI: "true" }))
    assert.isFalse(barFits({ isTTY: true }, { CI: "1" }))
    assert.isFalse(barFits({ isTTY: false }, {}))
    assert.isFalse(barFits({}, {}))
  })
})

describe("progressLine()", () => {
  it("shows the epoch, the step of the run, the loss terms, the rate, the speed and the run's time left", () => {
    assert.strictEqual(
      progressLine(report(12), { total: 40, chipsPerSecond: 3.456, secondsLeft: 125 }),
      "epoch 2/3 step 12/40 loss 1.500 (rpn 0.250/0.125, rcnn 1.000/0.125) lr 1.3e-3 3.46 chips/s, run ends in 2m05s",
    )
    // a stage's lines carry its name; the step and the total are the whole run's
    assert.match(
      progressLine({ ...report(12), stage: "rpn" }, { total: 40, chipsPerSecond: 1, secondsLeft: 1 }),
      /^rpn epoch 2\/3 step 12\/40 loss/,
    )
  })
})

describe("withRunProgress()", () => {
  it.effect("in lines mode logs a line every logEvery steps through the Logger, at Info", () =>
    Effect.gen(function* () {
      const logs = captureLogs()
      yield* withRunProgress({ mode: "lines", total: 10, startStep: 2, logEvery: 3 }, (progress) =>
        Effect.gen(function* () {
          for (let step = 3; step <= 7; step++) {
            if (step === 5) progress.setTotal(20)
            yield* progress.step(report(step))
          }
        }),
      ).pipe(Effect.provide(logs.layer))
      const lines = messages(logs.lines)
      assert.strictEqual(lines.length, 2)
      assert.match(lines[0], /^epoch 2\/3 step 3\/10 loss 1\.500 .* chips\/s, run ends in /)
      assert.match(lines[1], /^epoch 2\/3 step 6\/20 /)
    }),
  )

  it.live("in bar mode moves to where a resumed stage stands and names the stage", () =>
    Effect.gen(function* () {
      const terminal = fakeTerminal()
      yield* withRunProgress({ mode: "bar", total: 10, logEvery: 5, stream: terminal.stream }, (progress) =>
        Effect.gen(function* () {
          progress.moveTo(6)
          yield* Effect.logInfo("resuming")
          yield* progress.step({ ...report(7), stage: "rpn" })
        }),
      )
      const text = terminal.text()
      assert.include(text, "step 6/10")
      assert.include(text, "60%")
      assert.include(text, "step 7/10 | rpn epoch 2/3")
    }),
  )

  it.live("in bar mode draws the whole run's bar, prints log lines above it, and stops it even on failure", () =>
    Effect.gen(function* () {
      const terminal = fakeTerminal()
      const error = yield* withRunProgress(
        { mode: "bar", total: 10, startStep: 2, logEvery: 5, stream: terminal.stream },
        (progress) =>
          Effect.gen(function* () {
            yield* progress.step(report(3))
            yield* Effect.logInfo("epoch 2/3: 40 chips")
            yield* progress.step(report(4))
            return yield* Effect.fail("stopped" as const)
          }),
      ).pipe(Effect.flip)
      assert.strictEqual(error, "stopped")
      const text = terminal.text()
      assert.include(text, "step 4/10")
      assert.include(text, "epoch 2/3")
      assert.include(text, "loss 1.500")
      assert.include(text, "40%")
      // the log line went to the bar's stream, on a line of its own
      assert.match(text, /INFO.*epoch 2\/3: 40 chips\n/)
      // stopped: nothing more is drawn later
      const length = text.length
      yield* Effect.sleep("250 millis")
      assert.strictEqual(terminal.text().length, length)
    }),
  )
})
