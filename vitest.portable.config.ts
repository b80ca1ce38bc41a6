/**
 * The portable suite: every test file in test/ (not its subfolders, such as the interop
 * suite) that needs nothing of Node's beyond what Deno and Bun provide too, for
 * `npm run test:deno` and `npm run test:bun`, which start vitest itself on those runtimes.
 * (`npm test` runs everything on Node, with coverage: vitest.config.ts.)
 */

import { defineConfig } from "vitest/config";
import { runtime } from "./test/support/runtime.js";

/** The suites that start servers or processes through Node's APIs. */
const NODE_ONLY = [
  "test/node.test.ts", // sioscgi/node: a node:net server
  "test/examples.test.ts", // spawns examples/node-server.mjs
  "test/runtimes.test.ts", // spawns the Deno and Bun example servers
  "test/cli.test.ts", // spawns the sioscgi command
  // The command's machinery: processes, signals, node:cluster, Unix sockets, and
  // sioscgi/node's server under it (addresses.test.ts alone is portable).
  "test/ops/app-module.test.ts",
  "test/ops/command.test.ts",
  "test/ops/notify.test.ts",
  "test/ops/service.test.ts",
  "test/ops/shutdown.test.ts",
  "test/ops/sockets.test.ts",
  "test/ops/supervisor.test.ts",
];

const started = runtime();
console.log(`sioscgi: the portable test suite on ${started}`);

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...NODE_ONLY, "test/interop/**"],
    env: { SIOSCGI_TEST_RUNTIME: started },
    setupFiles: ["test/support/same-runtime.ts"],
  },
});
