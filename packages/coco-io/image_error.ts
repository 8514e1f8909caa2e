import { Schema } from "effect"

/** Why an image was refused; each reason has its own advice in the message. */
export const BadImageReason = Schema.Literals([
  "outside-root",
  "missing",
  "unreadable",
  "not-an-image",
  "corrupt",
  "too-large",
  "size-mismatch",
])
export type BadImageReason = typeof BadImageReason.Type

const advice: Record<BadImageReason, string> = {
  "outside-root": "file_name must be a relative path that stays inside the image folder",
  missing: "check the image folder and the file_name in the annotations",
  unreadable: "check the file's permissions",
  "not-an-image": "replace the file with a JPEG or PNG, or drop the image from the annotations",
  corrupt: "re-download the file or drop the image from the annotations",
  "too-large": "raise maxPixels if the image is genuine",
  "size-mismatch": "fix width/height in the annotations (COCO sizes refer to the stored pixel grid)",
}

/** An image a training or evaluation run cannot use, named by its COCO image id and file_name. */
export class BadImage extends Schema.TaggedError<BadImage>()("BadImage", {
  imageId: Schema.Number,
  file: Schema.String,
  reason: BadImageReason,
  detail: Schema.String,
}) {
  override get message() {
    return `Cannot read image ${this.imageId} ("${this.file}"): ${this.detail}; ${advice[this.reason]}`
  }
}
