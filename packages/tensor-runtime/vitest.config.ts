import { defineConfig } from "vitest/config"

// wasm-backed gradient checks take seconds on a shared 2-core machine; the default 5 s timeout made them flaky
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } })
