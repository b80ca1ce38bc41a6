/**
 * The README's Node server (examples/node-server.mjs) runs as a real process on a free
 * port and answers a request sent over a real socket, the way nginx would send it. It
 * imports "sioscgi" itself, so this also proves the built package resolves.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
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
