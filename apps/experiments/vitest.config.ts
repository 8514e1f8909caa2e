import { defineConfig } from "vitest/config"

// The --quick experiment trains and evaluates every arm end to end: a minute or more on a busy 2-core machine.
export default defineConfig({ test: { testTimeout: 240_000 } })
