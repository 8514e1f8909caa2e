import { defineConfig } from "vitest/config"

// A real proposal run on wasm takes seconds on a shared 2-core machine; the default 5 s timeout is too short.
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 60_000 } })
