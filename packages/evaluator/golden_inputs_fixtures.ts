/**
 * Writes the inputs of golden_pycocotools.json's generated cases, one JSON file each, into the folder given as the
 * first argument (run pycocotools on them outside this repository to refresh the expected numbers).
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
