import { Effect, Option, Ref, Stream } from "effect"
import { BadImage } from "./image_error.ts"

/** The images a run skipped, in the order they failed. */
export interface BadImageLog {
  readonly record: (error: BadImage) => Effect.Effect<void>
  readonly failures: Effect.Effect<ReadonlyArray<BadImage>>
}

/** A fresh, empty log of skipped images. */
export const makeBadImageLog: Effect.Effect<BadImageLog> = Effect.map(Ref.make<ReadonlyArray<BadImage>>([]), (ref) => ({
  record: (error) => Ref.update(ref, (all) => [...all, error]),
  failures: Ref.get(ref),
}))

/**
 * Like `Stream.mapEffect(f)`, but an element whose effect fails with `BadImage` is dropped and recorded in `log`
 * instead of ending the stream; other failures still end it.
 */
export function skipBadImages<A, B, E, R>(
  log: BadImageLog,
  f: (a: A) => Effect.Effect<B, E | BadImage, R>,
  options?: { readonly concurrency?: number },
) {
  return <E2, R2>(self: Stream.Stream<A, E2, R2>): Stream.Stream<B, Exclude<E, BadImage> | E2, R | R2> =>
    self.pipe(
      Stream.mapEffect(
        (a) =>
          f(a).pipe(
            Effect.map(Option.some),
            Effect.catchIf(
              (error): error is BadImage => error instanceof BadImage,
              (error) => Effect.as(log.record(error), Option.none<B>()),
            ),
          ) as Effect.Effect<Option.Option<B>, Exclude<E, BadImage>, R>,
        { concurrency: options?.concurrency ?? 1 },
      ),
      Stream.filter(Option.isSome),
      Stream.map((some) => some.value),
    )
}

/** One line per skipped image, then a count; empty when nothing was skipped. */
export function formatBadImages(failures: ReadonlyArray<BadImage>): string {
  if (failures.length === 0) return ""
  return [...failures.map((e) => e.message), `${failures.length} image(s) skipped`].join("\n")
}
