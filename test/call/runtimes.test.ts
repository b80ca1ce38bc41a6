/**
 * Deno and Bun use `sioscgi/node`'s scgiRequest through their node:net: each runtime, from
 * the binary `npm ci` installs, runs test/fixtures/scgi-request.mjs, which imports the
 * build in dist/ (`npm test` makes it first), against a server this test starts, over TCP
 * and over a Unix socket. A missing binary fails these tests; it never skips them.
 */

import { execFile } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestBody, RequestHeaders, SCGIReader } from "../../src/index.js";
import { listen } from "../support/net.js";
import { entries } from "../support/scgi.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The path of a binary a dev dependency installs into node_modules/.bin. */
function devBinary(name: string): string {
  const path = join(ROOT, "node_modules/.bin", name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm ci (the ${name} package installs it)`);
  return path;
}

const RUNTIMES = [
  {
    name: "Deno",
    command: () => [devBinary("deno"), "run", "--allow-net", "--allow-read", "--allow-write", "--allow-env"],
  },
  { name: "Bun", command: () => [devBinary("bun")] },
];

/**
 * An SCGI server that answers each request with a chunked body naming the runtime (from
 * HTTP_X_RUNTIME) and echoing the request's body, as a client must decode it.
 */
function answer(socket: net.Socket): void {
  const reader = new SCGIReader();
  const body: Uint8Array[] = [];
  let runtime = "";
  socket.on("data", (chunk: Buffer) => reader.receiveData(chunk));
  socket.on("end", () => {
    reader.receiveData(new Uint8Array(0));
    for (const event of reader.events()) {
      if (event instanceof RequestHeaders)
        runtime = Object.fromEntries(entries(event.environment)).HTTP_X_RUNTIME ?? "";
      else if (event instanceof RequestBody) body.push(event.data);
    }
    const echoed = Buffer.concat([Buffer.from(`${runtime} sent `), ...body]);
    socket.end(
      Buffer.concat([
        Buffer.from(
          "Status: 202 Accepted\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n",
        ),
        Buffer.from(`${echoed.length.toString(16)}\r\n`),
        echoed,
        Buffer.from("\r\n0\r\n\r\n"),
      ]),
    );
  });
}

let directory: string;
const servers: net.Server[] = [];
let targets: { tcp: string; unix: string; refused: string };

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "sioscgi-runtimes-"));
  const tcp = net.createServer({ allowHalfOpen: true }, answer);
  const unix = net.createServer({ allowHalfOpen: true }, answer);
  const closed = net.createServer();
  servers.push(tcp, unix);
  const path = join(directory, "scgi.sock");
  unix.listen(path);
  await once(unix, "listening");
  const refusedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  targets = { tcp: `127.0.0.1:${await listen(tcp)}`, unix: `unix:${path}`, refused: `127.0.0.1:${refusedPort}` };
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(directory, { recursive: true, force: true });
});

describe.each(RUNTIMES)("scgiRequest on $name", ({ name, command }) => {
  it.each(["tcp", "unix"] as const)(
    "over %s: a Response, its chunked body decoded; a refusal typed",
    { timeout: 60_000 },
    async (transport) => {
      const [binary, ...args] = command() as [string, ...string[]];
      const { stdout } = await promisify(execFile)(binary, [...args, "test/fixtures/scgi-request.mjs"], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1", SCGI_TARGET: targets[transport], REFUSED_TARGET: targets.refused },
      });
      const [answered, refused] = stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as unknown);
      expect(answered).toEqual({
        runtime: name,
        status: 202,
        statusText: "Accepted",
        headers: [["content-type", "text/plain; charset=utf-8"]],
        body: `${name} sent Zoë ☃`,
      });
      expect(refused).toEqual({ name: "ConnectionRefusedError", code: "ERR_SCGI_CONNECTION_REFUSED" });
    },
  );
});
