/**
 * The README's Node server (examples/node-server.mjs) runs as a real process on a free
 * port and answers a request sent over a real socket, the way nginx would send it. It
 * imports "sioscgi" itself, so this also proves the built package resolves. The demo's
 * app (examples/hello-app.mjs) starts as a program wherever a user copies it.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "./support/package.js";
import { scgiRequest } from "./support/scgi.js";

let server: ChildProcess;
let port: number;

beforeAll(async () => {
  server = spawn(process.execPath, ["examples/node-server.mjs"], {
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await Promise.race([
    once(server.stdout as NodeJS.ReadableStream, "data"),
    once(server, "exit").then(([code]) => {
      throw new Error(`examples/node-server.mjs exited with ${code} (run npm run build first)`);
    }),
  ])) as [Buffer];
  const match = /listening on [^:]+:(\d+)/.exec(line.toString());
  if (match === null) throw new Error(`unexpected output: ${line}`);
  port = Number(match[1]);
});

afterAll(() => {
  server.kill();
});

/** Sends raw bytes, half-closes, and returns everything the server answers before closing. */
async function exchange(request: Uint8Array): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  await once(socket, "connect");
  socket.end(request);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("latin1");
}

it("answers a POST with its method, URI and body", async () => {
  const response = await exchange(
    scgiRequest(
      [
        ["CONTENT_LENGTH", "5"],
        ["SCGI", "1"],
        ["REQUEST_METHOD", "POST"],
        ["REQUEST_URI", "/echo?x=1"],
      ],
      "hello",
    ),
  );
  expect(response).toMatch(
    /^Content-Type: text\/plain; charset=utf-8\r\nStatus: 200 OK\r\nContent-Length: \d+\r\n\r\n/,
  );
  expect(response).toContain("POST /echo?x=1\nbody: 5 bytes: hello\n");
});

it("answers a malformed request with the status its error suggests, and keeps serving", async () => {
  const refused = await exchange(new TextEncoder().encode("not scgi"));
  expect(refused).toMatch(/^Content-Type: text\/plain; charset=utf-8\r\nStatus: 400 Bad Request\r\n/);
  expect(refused).toContain('Invalid netstring length: "n" where a digit or ":" belongs');
  const response = await exchange(
    scgiRequest([
      ["CONTENT_LENGTH", "0"],
      ["SCGI", "1"],
      ["REQUEST_METHOD", "GET"],
      ["REQUEST_URI", "/"],
    ]),
  );
  expect(response).toContain("GET /\nbody: 0 bytes\n");
});

it("runs examples/hello-app.mjs as a program from a directory whose name has a space", async () => {
  // A user's copy of the example, next to an installed sioscgi (this repository, built).
  const directory = mkdtempSync(path.join(tmpdir(), "sioscgi hello "));
  try {
    mkdirSync(path.join(directory, "node_modules"));
    symlinkSync(ROOT, path.join(directory, "node_modules", "sioscgi"), "dir");
    copyFileSync(path.join(ROOT, "examples", "hello-app.mjs"), path.join(directory, "hello-app.mjs"));
    const app = spawn(process.execPath, [path.join(directory, "hello-app.mjs")], {
      env: { ...process.env, PORT: "0" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const [line] = (await Promise.race([
        once(app.stdout as NodeJS.ReadableStream, "data"),
        once(app, "exit").then(([code]) => {
          throw new Error(`hello-app.mjs exited with ${code} without serving`);
        }),
      ])) as [Buffer];
      expect(line.toString()).toMatch(/^SCGI application listening on 127\.0\.0\.1:\d+\n/);
    } finally {
      app.kill();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
