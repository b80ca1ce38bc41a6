#!/usr/bin/env node
/**
 * The `sioscgi` command (`npx sioscgi serve app.js`): see `sioscgi --help`, and the
 * README's "Running in production". Everything but the wiring to the two servers lives in
 * src/ops/command.ts.
 *
 * @module
 */

import type net from "node:net";
import { createServer } from "./node.js";
import type { RequestListener } from "./ops/app-module.js";
import { runCommand } from "./ops/command.js";

/**
 * sioscgi/http, another entry point of this package, loaded by path only for `--api node`:
 * serving fetch handlers never loads it, and the build keeps the two entries apart.
 */
const HTTP_ENTRY = "./http.js";

runCommand({
  argv: process.argv.slice(2),
  script: process.argv[1] as string,
  fetchServer: (handler) => createServer(handler),
  nodeServer: async () => {
    const http = (await import(HTTP_ENTRY)) as { createServer: (listener: RequestListener) => net.Server };
    return (listener) => http.createServer(listener);
  },
  output: {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
  environment: process.env,
}).then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
