import { defineConfig } from "vitest/config"

// Each test spawns `sniper` in a child process: seconds of start-up on a busy 2-core machine.
export default defineConfig({ test: { testTimeout: 120_000 } })
