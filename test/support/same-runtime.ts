/**
 * A setup file of the portable project (vitest.config.ts): it runs in every test worker
 * and fails the file unless the worker is the runtime that started vitest. Without it, a
 * vitest that quietly forked Node workers from Deno or Bun would pass `npm run test:deno`
 * on Node.
 */

import { runtime } from "./runtime.js";

const started = process.env.SIOSCGI_TEST_RUNTIME;
if (runtime() !== started) {
  throw new Error(`this test worker runs on ${runtime()}, but vitest was started on ${started}`);
}
