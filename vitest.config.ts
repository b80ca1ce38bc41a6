/**
 * The test suites, as vitest projects; each npm script runs one of them:
 *
 * - `unit` (`npm test`, with coverage): every test under test/ but the interop suite, on Node.
 * - `interop` (`npm run test:interop`): the Node server behind real web servers, and the
 *   client against real SCGI servers (rTorrent, uWSGI) and against its own server.
 * - `portable` (`npm run test:deno`, `npm run test:bun`, which start vitest itself on those
 *   runtimes): the unit tests that need nothing of Node's beyond what Deno and Bun provide.
 *
 * A bare `vitest run` runs all three; name one with `--project`.
 */

import { defineConfig } from "vitest/config";
import { runtime } from "./test/support/runtime.js";

const INTEROP = "test/interop/**";

/** The unit suites that start servers or processes through Node's APIs, or check the build. */
const NODE_ONLY = [
  "test/node.test.ts", // sioscgi/node: a node:net server
  "test/examples.test.ts", // spawns examples/node-server.mjs and examples/hello-app.mjs
  "test/runtimes.test.ts", // spawns the Deno and Bun example servers
  "test/call/runtimes.test.ts", // spawns Deno and Bun to call scgiRequest
  "test/package/**", // the built package: both module formats, the TypeScript compiler
  "test/cli.test.ts", // spawns the sioscgi command
  "test/http.test.ts", // sioscgi/http: node:http over a node:net server
  // The command's machinery: processes, signals, node:cluster, Unix sockets, and
  // sioscgi/node's server under it (addresses.test.ts alone is portable).
  "test/ops/app-module.test.ts",
  "test/ops/command.test.ts",
  "test/ops/notify.test.ts",
  "test/ops/service.test.ts",
  "test/serve/shutdown.test.ts",
  "test/ops/sockets.test.ts",
  "test/ops/supervisor.test.ts",
];

export default defineConfig({
  test: {
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      // Deno's and Bun's servers run only in those runtimes (test/runtimes.test.ts starts
      // them as processes), where Node's coverage cannot see them.
      exclude: ["src/deno.ts", "src/bun.ts", "src/serve/deno-transport.ts", "src/serve/bun-transport.ts"],
      reporter: ["text", "text-summary"],
      thresholds: { lines: 95, branches: 95, functions: 95, statements: 95 },
    },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [INTEROP] },
      },
      {
        extends: true,
        test: {
          name: "interop",
          include: [`${INTEROP}/*.test.ts`],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // The web servers are separate processes on their own ports; one suite at a time
          // keeps the two cores free for the large transfers.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "portable",
          include: ["test/**/*.test.ts"],
          exclude: [...NODE_ONLY, INTEROP],
          // Each worker checks that it runs on the runtime that started vitest: a vitest that
          // quietly forked Node workers from Deno or Bun would otherwise pass on Node.
          env: { SIOSCGI_TEST_RUNTIME: runtime() },
          setupFiles: ["test/support/same-runtime.ts"],
          globalSetup: ["test/support/announce-runtime.ts"],
        },
      },
    ],
  },
});
