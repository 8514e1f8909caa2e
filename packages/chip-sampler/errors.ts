import { Schema } from "effect"

/** A chip configuration that cannot work (from code or CLI flags): names the field and what to change. */
export class InvalidChipConfig extends Schema.TaggedError<InvalidChipConfig>()("InvalidChipConfig", {
  field: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot use chip configuration: ${this.field} ${this.problem}`
  }
}

/** An image the sampler cannot place chips on (zero or non-finite size). */
export class BadImageSize extends Schema.TaggedError<BadImageSize>()("BadImageSize", {
  source: Schema.String,
  imageId: Schema.Number,
  field: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `Cannot place chips on image ${this.imageId} in "${this.source}": ${this.field} ${this.problem}`
  }
}

/** Proposals that name an image the data set does not have. */
export class UnknownProposalImage extends Schema.TaggedError<UnknownProposalImage>()("UnknownProposalImage", {
  source: Schema.String,
  imageId: Schema.Number,
  dataset: Schema.String,
}) {
  override get message() {
    return `Cannot use proposals of "${this.source}": image ${this.imageId} is not in "${this.dataset}"; pass the proposals computed for this annotation file`
  }
}
