import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { jsonFlag } from "./_flags.ts"
import { UsageError } from "./_usage.ts"
import { lazyImport } from "./lazy_import.ts"

/** The most images `--images` takes (coco-io's `maxSynthImages`, repeated here to check flags before loading it). */
const maxImages = 1_000_000
/** The smallest long side (coco-io's `minSynthSide`, repeated for the same reason). */
const minSide = 64

/** `sniper synth --out DIR --images N --seed S`: write the embedded default data set (COCO format). */
export const synth = Command.make(
  "synth",
  {
    out: Flag.String("out").pipe(Flag.withDescription("folder to write annotations/ and images/ into")),
    images: Flag.Int("images").pipe(
      Flag.withDescription(`number of images, train and val together, 1 to ${maxImages} (default 200)`),
      Flag.withDefault(200),
    ),
    seed: Flag.Int("seed").pipe(Flag.withDescription("same seed, same bytes (default 0)"), Flag.withDefault(0)),
    valFraction: Flag.Finite("val-fraction").pipe(
      Flag.withDescription("share of the images in the val split, in [0, 1) (default 0.2)"),
      Flag.withDefault(0.2),
    ),
    longSide: Flag.String("long-side").pipe(
      Flag.withDescription("range of the images' long side in px, MIN..MAX (default 480..1600; the demo: 160..320)"),
      Flag.withDefault("480..1600"),
    ),
    json: jsonFlag,
  },
  ({ out, images, seed, valFraction, longSide: range, json }) =>
    Effect.gen(function* () {
      const usage = (flag: string, problem: string) => new UsageError({ action: "generate data set", flag, problem })
      if (!(images >= 1 && images <= maxImages))
        return yield* usage("images", `must be from 1 to ${maxImages}, got ${images}`)
      if (!Number.isSafeInteger(seed)) return yield* usage("seed", `must be a safe integer, got ${seed}`)
      if (!(valFraction >= 0 && valFraction < 1))
        return yield* usage("val-fraction", `must be in [0, 1), got ${valFraction}`)
      const sides = /^(\d+)\.\.(\d+)$/.exec(range)
      const longSide = sides === null ? undefined : ([Number(sides[1]), Number(sides[2])] as const)
      if (longSide === undefined || longSide[0] < minSide || longSide[0] > longSide[1])
        return yield* usage("long-side", `must be MIN..MAX with ${minSide} <= MIN <= MAX, got ${range}`)
      const started = performance.now()
      // Progress on stderr about every 10% for runs long enough to wait for.
      const every = images >= 50 ? Math.ceil(images / 10) : Number.POSITIVE_INFINITY
      const onProgress = (done: number, total: number) => {
        if (done % every !== 0 || done === total) return
        const seconds = (performance.now() - started) / 1000
        const rate = done / seconds
        const left = Math.round((total - done) / rate)
        process.stderr.write(`synth: ${done}/${total} images, ${rate.toFixed(1)} images/s, about ${left} s left\n`)
      }
      const { writeSynthDataset } = yield* lazyImport(() => import("@sniper/coco-io"))
      const summary = yield* writeSynthDataset(out, { images, seed, valFraction, longSide, onProgress })
      const seconds = Math.round(performance.now() - started) / 1000
      if (json) return yield* Console.log(JSON.stringify({ ...summary, seconds }))
      const line = (name: string, s: typeof summary.train) =>
        `  ${name.padEnd(6)} ${s.images} images, ${s.annotations} boxes (${s.tiny} under 16 px, ${s.large} over half the short side)`
      yield* Console.log(
        [
          `synth data set in ${out} (seed ${seed}, ${seconds} s, ${(summary.bytes / 1e6).toFixed(1)} MB)`,
          line("train", summary.train),
          line("val", summary.val),
          `  classes ${summary.categories.join(", ")}`,
          `  annotations/instances_train.json, annotations/instances_val.json, images/train/, images/val/`,
        ].join("\n"),
      )
    }),
).pipe(Command.withDescription("Generate the embedded default data set: textured shapes, multi-scale, COCO format"))
