/**
 * Test helper: random small COCO cases built to hit pycocotools' corner rules: integer boxes (IoU ties), scores on a
 * 0.1 grid (score ties), crowd boxes, area fields on the 32^2 / 96^2 boundaries or unrelated to the box, images
 * without ground truth, detections of another category, and sometimes one image with more than 100 detections.
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

/** A case; `crowded: true` always adds an image with 120 detections of one category (else half the time). */
export function cocoCase(options: { readonly crowded?: boolean } = {}): Arbitrary.Arbitrary<CocoCase> {
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
