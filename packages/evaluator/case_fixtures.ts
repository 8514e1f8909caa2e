/**
 * Test helper: random small COCO cases built to hit pycocotools' corner rules: integer boxes (IoU ties), scores on a
 * 0.1 grid (score ties), crowd boxes, area fields on the 32^2 / 96^2 boundaries or unrelated to the box, images
 * without ground truth, detections of another category, and sometimes one image with more than 100 detections;
 * on demand zero-area ground truth and detections of categories the ground truth lacks.
 */
import { Arbitrary, Schema } from "effect"
import type { CocoJson } from "./json_fixtures.ts"
import type { JsonBox } from "./straightforward_eval_fixtures.ts"

export interface CocoCase {
  readonly gt: CocoJson
  readonly dt: ReadonlyArray<JsonBox>
}

const int = (minimum: number, maximum: number) =>
  Arbitrary.schema(Schema.Int.check(Schema.isBetween({ minimum, maximum })))

const side = Arbitrary.map(Arbitrary.all([int(0, 1), int(4, 40), int(4, 160)]), ([big, s, b]) => (big ? b : s))

const gtBox = Arbitrary.all({
  category: int(0, 9),
  x: int(0, 200),
  y: int(0, 200),
  w: side,
  h: side,
  crowd: Arbitrary.map(int(0, 9), (n) => (n === 0 ? 1 : 0)),
  area: int(0, 6), // 0..3 the box's area, 4 exactly 32^2, 5 exactly 96^2, 6 unrelated to the box
})

const dtEdit = Arbitrary.all({
  copies: int(0, 2),
  jitter: Arbitrary.array(int(-2, 2), { minLength: 4, maxLength: 4 }),
  score: int(0, 10),
  otherCategory: Arbitrary.map(int(0, 7), (n) => n === 0),
})

const randomDt = Arbitrary.all({
  category: int(0, 9),
  x: int(0, 250),
  y: int(0, 250),
  w: side,
  h: side,
  score: int(0, 10),
})

const image = Arbitrary.all({
  gts: Arbitrary.array(gtBox, { maxLength: 6 }),
  edits: Arbitrary.array(dtEdit, { minLength: 6, maxLength: 6 }),
  extra: Arbitrary.array(randomDt, { maxLength: 4 }),
})

/** A zero-area ground-truth box (some crowd), maybe with a detection on it; `area` is its file field. */
const zeroGt = Arbitrary.all({
  image: int(0, 5),
  category: int(0, 9),
  x: int(0, 200),
  y: int(0, 200),
  side: side,
  flat: int(0, 2), // 0 zero width, 1 zero height, 2 both
  area: Arbitrary.map(int(0, 3), (n) => [0, 0, 30, 2000][n]), // a mask area may be positive, even medium
  crowd: Arbitrary.map(int(0, 4), (n) => (n === 0 ? 1 : 0)),
  detection: int(0, 2), // 0 none, 1 the same degenerate box, 2 a box around it
  score: int(0, 10),
})

/** A detection of a category id the ground truth lacks (its ids are in 1..90): on a ground-truth box or anywhere. */
const unknownDt = Arbitrary.all({
  image: int(0, 5),
  category: int(91, 95),
  onTruth: int(0, 1),
  pick: int(0, 1000),
  x: int(0, 250),
  y: int(0, 250),
  w: side,
  h: side,
  score: int(0, 10),
})

/**
 * Adds what pycocotools evaluates and loaders tend to refuse: zero-area ground truth (unmatchable, counted in
 * recall unless crowd) and detections of unknown categories (never evaluated).
 */
function withDegenerate(base: Arbitrary.Arbitrary<CocoCase>): Arbitrary.Arbitrary<CocoCase> {
  const extra = Arbitrary.all({
    zero: Arbitrary.array(zeroGt, { minLength: 1, maxLength: 4 }),
    unknown: Arbitrary.array(unknownDt, { minLength: 1, maxLength: 4 }),
  })
  return Arbitrary.map(Arbitrary.all([base, extra]), ([c, { zero, unknown }]) => {
    const imageIds = c.gt.images.map((im) => im.id)
    const categoryIds = c.gt.categories.map((k) => k.id)
    const annotations = [...c.gt.annotations]
    const dt = [...c.dt]
    for (const z of zero) {
      const bbox = [z.x, z.y, z.flat === 1 ? z.side : 0, z.flat === 0 ? z.side : 0]
      const image_id = imageIds[z.image % imageIds.length]
      const category_id = categoryIds[z.category % categoryIds.length]
      annotations.push({ id: annotations.length + 1, image_id, category_id, bbox, area: z.area, iscrowd: z.crowd })
      if (z.detection === 0) continue
      const around = [z.x - 2, z.y - 2, bbox[2] + 4, bbox[3] + 4]
      dt.push({ image_id, category_id, bbox: z.detection === 1 ? bbox : around, score: z.score / 10 })
    }
    for (const u of unknown) {
      const truth = annotations[u.pick % Math.max(1, annotations.length)]
      const onTruth = u.onTruth === 1 && truth !== undefined
      dt.push({
        image_id: onTruth ? truth.image_id : imageIds[u.image % imageIds.length],
        category_id: u.category,
        bbox: onTruth ? truth.bbox : [u.x, u.y, u.w, u.h],
        score: u.score / 10,
      })
    }
    return { gt: { ...c.gt, annotations }, dt }
  })
}

/**
 * A case; `crowded: true` always adds an image with 120 detections of one category (else half the time);
 * `degenerate: true` adds zero-area ground truth and detections of unknown categories.
 */
export function cocoCase(
  options: { readonly crowded?: boolean; readonly degenerate?: boolean } = {},
): Arbitrary.Arbitrary<CocoCase> {
  const base = plainCase(options)
  return options.degenerate ? withDegenerate(base) : base
}

function plainCase(options: { readonly crowded?: boolean }): Arbitrary.Arbitrary<CocoCase> {
  const spec = Arbitrary.all({
    imageIds: Arbitrary.array(int(1, 999_999), { minLength: 1, maxLength: 6 }),
    categoryIds: Arbitrary.array(int(1, 90), { minLength: 1, maxLength: 3 }),
    images: Arbitrary.array(image, { minLength: 6, maxLength: 6 }),
    crowded: options.crowded ? Arbitrary.Constant(true) : Arbitrary.map(int(0, 1), (n) => n === 1),
    crowdSeed: int(0, 1000),
  })
  return Arbitrary.map(spec, ({ imageIds: imageList, categoryIds: catList, images, crowded, crowdSeed }) => {
    const imageIds = [...new Set(imageList)]
    const categoryIds = [...new Set(catList)]
    const cat = (i: number) => categoryIds[i % categoryIds.length]
    const annotations: JsonBox[] = []
    const dt: JsonBox[] = []
    imageIds.forEach((imageId, i) => {
      const spec = images[i]
      spec.gts.forEach((g, j) => {
        const boxArea = g.w * g.h
        const area = g.area === 4 ? 1024 : g.area === 5 ? 9216 : g.area === 6 ? boxArea * 3 : boxArea
        annotations.push({
          id: annotations.length + 1,
          image_id: imageId,
          category_id: cat(g.category),
          bbox: [g.x, g.y, g.w, g.h],
          area,
          iscrowd: g.crowd,
        })
        const e = spec.edits[j]
        for (let c = 0; c < e.copies; c++) {
          const [dx, dy, dw, dh] = e.jitter.map((v) => v * (c + 1))
          dt.push({
            image_id: imageId,
            category_id: e.otherCategory ? cat(g.category + 1) : cat(g.category),
            bbox: [g.x + dx, g.y + dy, Math.max(1, g.w + dw), Math.max(1, g.h + dh)],
            score: (e.score + c) / 10,
          })
        }
      })
      for (const r of spec.extra) {
        dt.push({ image_id: imageId, category_id: cat(r.category), bbox: [r.x, r.y, r.w, r.h], score: r.score / 10 })
      }
    })
    if (crowded) {
      const imageId = imageIds[crowdSeed % imageIds.length]
      for (let n = 0; n < 120; n++) {
        const bbox = [(n * 37 + crowdSeed) % 200, (n * 53 + crowdSeed) % 200, 10 + (n % 50), 12 + (n % 30)]
        dt.push({ image_id: imageId, category_id: cat(0), bbox, score: (n % 17) / 17 })
      }
    }
    return {
      gt: { images: imageIds.map((id) => ({ id })), categories: categoryIds.map((id) => ({ id })), annotations },
      dt,
    }
  })
}
