import { defineConfig } from "vitest/config";

// The interop suite: this library's Node server behind real web servers (npm run test:interop).
export default defineConfig({
  test: {
    include: ["test/interop/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The web servers are separate processes on their own ports; one suite at a time keeps
    // the two cores free for the large transfers.
    fileParallelism: false,
  },
});
