/** Test-only: `--config` overlays that make `sniper train` run in seconds. */

/** Over the demo preset: a ResNet-18 at 1/16 width on 128 px chips of 5 synthetic images, 2 epochs of 2 chips. */
export const tinyOverlay = {
  name: "tiny",
  data: { synthetic: { images: 5, seed: 3, valFraction: 0.4 } },
  chips: { chipSize: 128, scales: [{ factor: 0.5 }, { factor: 0.25 }, { short: -1, long: 128 }] },
  detector: {
    backbone: { width: 1 / 16 },
    rpn: { channels: 8, train: { postNmsTopK: 32 }, test: { postNmsTopK: 32 } },
    roi: { channels: 4, fcDim: 16 },
  },
  epochs: 2,
  chipsPerBatch: 2,
  checkpointEvery: 2,
  logEvery: 1,
  test: {
    scales: [
      { short: -1, long: 192 },
      { short: -1, long: 96 },
      { short: -1, long: 64 },
    ],
  },
}
