import { type BadImage, type BadImageLog, type DecodedImage, type Normalization, skipBadImages } from "@sniper/coco-io"
import { Effect, Stream } from "effect"
import type { Resolution } from "./scale_geometry.ts"
import { type ScaledImage, scaleImage } from "./scaled_image.ts"

/** How a stream of inputs becomes decoded images. */
export interface DecodeOptions<A> {
  /** Reads one input (e.g. a data-set row) as an image; unreadable ones fail with coco-io's BadImage. */
  readonly decode: (input: A) => Effect.Effect<DecodedImage, BadImage>
  /** Unreadable images are recorded here and skipped; without a log the stream fails with BadImage. */
  readonly badImages?: BadImageLog | undefined
  /** Images decoded and resized at once, ahead of the network (default 2). */
  readonly concurrency?: number | undefined
}

/** One input, decoded and resized at every test scale; `index` is its position in the input stream. */
export interface PreparedImage<A> {
  readonly input: A
  readonly index: number
  readonly image: DecodedImage
  readonly scaled: ReadonlyArray<ScaledImage>
}

/**
 * Inputs decoded and resized at every test scale, `concurrency` at a time (sharp works off the main thread, so
 * the next images are prepared while the network runs on this one), emitted in input order.
 */
export function preparedImages<A, E = never, R = never>(
  inputs: Stream.Stream<A, E, R> | Iterable<A>,
  options: DecodeOptions<A> & {
    readonly scales: ReadonlyArray<Resolution>
    readonly stride: number
    readonly normalization?: Normalization | undefined
  },
): Stream.Stream<PreparedImage<A>, E | BadImage, R> {
  const source: Stream.Stream<A, E, R> = Stream.isStream(inputs)
    ? (inputs as Stream.Stream<A, E, R>)
    : Stream.fromIterable(inputs as Iterable<A>)
  const prepare = ([input, index]: readonly [A, number]) =>
    Effect.gen(function* () {
      const image = yield* options.decode(input)
      const scaled = yield* scaleImage(image, {
        scales: options.scales,
        stride: options.stride,
        normalization: options.normalization,
      })
      return { input, index, image, scaled }
    })
  const concurrency = options.concurrency ?? 2
  const indexed = source.pipe(Stream.zipWithIndex)
  return options.badImages === undefined
    ? indexed.pipe(Stream.mapEffect(prepare, { concurrency }))
    : indexed.pipe(skipBadImages(options.badImages, prepare, { concurrency }))
}
