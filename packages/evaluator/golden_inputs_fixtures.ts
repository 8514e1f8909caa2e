/**
 * Writes the inputs of golden_pycocotools.json's generated cases, one JSON file each, into the folder given as the
 * first argument (run pycocotools on them outside this repository to refresh the expected numbers). The
 * `degenerate-seed13..16` cases (zero-area ground truth, detections of unknown categories) are not in the golden
 * file yet: their numbers come from pycocotools run outside, as the others' did.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { Arbitrary, Effect } from "effect"
import { cocoCase } from "./case_fixtures.ts"

const folder = process.argv[2] ?? "."
for (let seed = 1; seed <= 12; seed++) {
  const sample = Arbitrary.sampleEffect(cocoCase({ crowded: seed % 3 === 0 }), { seed, count: 1, size: 100 })
  const [c] = Effect.runSync(sample)
  writeFileSync(join(folder, `case_seed${seed}.json`), JSON.stringify({ name: `seed${seed}`, gt: c.gt, dt: c.dt }))
}
for (let seed = 13; seed <= 16; seed++) {
  const sample = Arbitrary.sampleEffect(cocoCase({ degenerate: true }), { seed, count: 1, size: 100 })
  const [c] = Effect.runSync(sample)
  const name = `degenerate-seed${seed}`
  writeFileSync(join(folder, `case_${name}.json`), JSON.stringify({ name, gt: c.gt, dt: c.dt }))
}
