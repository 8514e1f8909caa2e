import { epochCount } from "./format.ts"
import { apNames, type ExperimentSummary, type Spread } from "./summary.ts"

const unitNames = { chips: "chips", inputPixels: "network input pixels", imagePixels: "image pixels" } as const

/** 0.1234 ± 0.0056 as "0.123 ± 0.006"; one seed without the spread; -1 (no such objects) as "n/a". */
function ap(s: Spread, seeds: number): string {
  if (s.mean === -1) return "n/a"
  return seeds > 1 ? `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}` : s.mean.toFixed(3)
}

/** A count or size, scaled by `per` and shown with `digits` decimals. */
function amount(s: Spread, seeds: number, per = 1, digits = 0): string {
  const mean = (s.mean / per).toFixed(digits)
  return seeds > 1 && s.std > 0 ? `${mean} ± ${(s.std / per).toFixed(digits)}` : mean
}

/** summary.md: the question, how the arms were made comparable, one table row per arm. */
export function summaryTable(summary: ExperimentSummary): string {
  const { data, budget } = summary
  const valImages = Math.min(data.images - 1, Math.round(data.images * data.valFraction))
  const header = [
    "arm",
    "seeds",
    ...apNames,
    "input Mpx",
    "image Mpx",
    "chips",
    "chip px",
    "epochs",
    "steps",
    "wall min",
  ]
  const rows = summary.arms.map((a) => {
    const n = a.seeds.length
    return [
      a.label,
      String(n),
      ...apNames.map((name) => ap(a[name], n)),
      amount(a.inputPixels, n, 1e6, 1),
      amount(a.imagePixels, n, 1e6, 1),
      amount(a.chips, n),
      String(a.chipSize),
      amount(a.epochs, n),
      amount(a.steps, n),
      amount(a.wallSeconds, n, 60, 1),
    ]
  })
  const line = (cells: ReadonlyArray<string>) => `| ${cells.join(" | ")} |`
  const rpn = summary.arms.filter((a) => a.rpnStageInputPixels.mean > 0)
  return [
    `# ${summary.experiment}`,
    "",
    summary.question,
    "",
    `Data: ${data.images - valImages} training and ${valImages} val images of generated shapes, long side ${data.longSide[0]}..${data.longSide[1]} px (seed ${data.seed}). ` +
      `Budget: each arm trains for the epochs whose ${unitNames[budget.unit]} come closest to those of "${budget.like}" in ${epochCount(budget.epochs)}. ` +
      "AP is mean ± sample standard deviation over the seeds; Mpx are millions of training pixels: network input (chips x chip px², padding included) and image (the chips' windows on the scaled images). Wall time includes the evaluation.",
    "",
    line(header),
    line(header.map(() => "---")),
    ...rows.map(line),
    ...(rpn.length === 0
      ? []
      : [
          "",
          `Not in the table's pixels: the short-schedule RPN trained for negative chips' proposals, ${rpn.map((a) => `${a.label} ${amount(a.rpnStageInputPixels, a.seeds.length, 1e6, 1)} M input px`).join(", ")}.`,
        ]),
    "",
  ].join("\n")
}
