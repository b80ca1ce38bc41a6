/**
 * runServer, what sioscgi/deno and sioscgi/bun share around their listeners: options,
 * the address, and `close`, which waits for the connections in flight. Run here over
 * Node's listener and transport (the runtimes' own are in test/runtimes.test.ts).
 */

import { mkdtempSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serve as serveOnBun } from "../../src/bun.js";
import { serve as serveOnDeno } from "../../src/deno.js";
import type { Handler } from "../../src/fetch/index.js";
import { nodeTransport } from "../../src/serve/node-transport.js";
import { type Listening, runServer, type ServeAddress, type ServeOptions } from "../../src/serve/server.js";
import { parseHeaderBlock } from "../support/cgi-response.js";
import { scgiRequest } from "../support/scgi.js";

/** runServer over a node:net listener on a Unix socket, whose address is known at once. */
function serveOnNode(handler: Handler, options: ServeOptions) {
  return runServer(handler, options, (where, accept): Listening => {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => accept(nodeTransport(socket)));
    server.listen((where as { path: string }).path);
    return { address: where, stop: () => server.close() };
  });
}

/** Sends a GET over the Unix socket and returns the response's body text. */
async function get(path: string): Promise<string> {
  const socket = net.connect(path);
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.end(
    scgiRequest(
      [
        ["CONTENT_LENGTH", "0"],
        ["SCGI", "1"],
        ["REQUEST_METHOD", "GET"],
        ["REQUEST_URI", "/"],
      ],
      new Uint8Array(0),
    ),
  );
  await new Promise((resolve) => socket.on("close", resolve));
  return new TextDecoder().decode(parseHeaderBlock(Buffer.concat(chunks)).rest);
}

/** The scratch directories of the Unix sockets, removed after the suite. */
const scratch: string[] = [];
afterAll(() => {
  for (const directory of scratch) rmSync(directory, { recursive: true, force: true });
});

const socketPath = (): string => {
  const directory = mkdtempSync(join(tmpdir(), "sioscgi-serve-"));
  scratch.push(directory);
  return join(directory, "scgi.sock");
};

describe("runServer", () => {
  it("serves until close, which stops accepting and settles once the requests in flight are done", async () => {
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = (): void => {};
    const isStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const path = socketPath();
    const server = serveOnNode(
      async () => {
        started();
        await released;
        return new Response("finished");
      },
      { path },
    );
    expect(server.address).toEqual({ path });
    const pending = get(path);
    await isStarted;
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    expect(server.close()).toBe(server.finished);
    await Promise.resolve();
    expect(closed).toBe(false);
    release();
    expect(await pending).toBe("finished");
    await closing;
    expect(closed).toBe(true);
  });

  it("settles at once when closed with no connection open", async () => {
    const server = serveOnNode(() => new Response("x"), { path: socketPath() });
    await server.close();
    await server.finished;
  });

  it("listens on 127.0.0.1 when given only a port", () => {
    let where: unknown;
    runServer(
      () => new Response(),
      { port: 4321 },
      (address) => {
        where = address;
        return { address, stop: () => {} };
      },
    );
    expect(where).toEqual({ hostname: "127.0.0.1", port: 4321 });
  });

  it.each([
    [{ path: "/tmp/x.sock", port: 4000 }, TypeError],
    [{ path: "/tmp/x.sock", hostname: "::1" }, TypeError],
    [{ idleTimeout: 0 }, RangeError],
    [{ rxBufferLimit: 0 }, RangeError],
  ])("refuses %o before listening", (options, error) => {
    let listened = false;
    const listen = (address: ServeAddress): Listening => {
      listened = true;
      return { address, stop: () => {} };
    };
    expect(() => runServer(() => new Response(), options as ServeOptions, listen)).toThrow(error);
    expect(listened).toBe(false);
  });
});

// Each entry point's refusal, on every runtime but its own (where test/runtimes.test.ts runs it).
const ELSEWHERE = (
  [
    ["sioscgi/deno", serveOnDeno, "Deno"],
    ["sioscgi/bun", serveOnBun, "Bun"],
  ] as const
).filter(([, , runtime]) => !(runtime in globalThis));

describe.each(ELSEWHERE)("%s", (_, serve, runtime) => {
  it(`refuses to run outside ${runtime}, saying so`, () => {
    expect(() => serve(() => new Response())).toThrow(new RegExp(`needs ${runtime}`));
  });
});
