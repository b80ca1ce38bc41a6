import { defineConfig } from "vitest/config";

// The interop suite (npm run test:interop): this library's Node server behind real web servers,
// and its client against real SCGI servers (rTorrent, uWSGI) and against its own server.
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
