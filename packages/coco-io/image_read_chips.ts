import { Effect } from "effect"
import { type ChipOptions, type ChipWindow, cutChips } from "./image_chip.ts"
import { type DecodeOptions, decodeImage, type ImageRef } from "./image_decode.ts"

/** Decodes an image once and cuts all its chips (any scales, flipped or not) from that one decode. */
export const readChips = Effect.fn("readChips")(function* (
  root: string,
  image: ImageRef,
  options: DecodeOptions & ChipOptions & { readonly windows: ReadonlyArray<ChipWindow> },
) {
  const decoded = yield* decodeImage(root, image, options)
  return yield* cutChips(decoded, options.windows, options)
})
