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
  "test/call/runtimes.test.ts", // spawns Deno and Bun to call scgiRequest
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
