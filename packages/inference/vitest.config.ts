import { defineConfig } from "vitest/config"

// Whole images through a detector on wasm take seconds on a shared 2-core machine; the default 5 s is too short.
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 60_000 } })
