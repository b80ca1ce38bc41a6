/**
 * runServer, what sioscgi/deno and sioscgi/bun share around their listeners: options,
 * the address, `close`, which waits for the connections in flight, and `shutdown` and
 * `closeAllConnections`, which end them. Run here over Node's listener and transport (the
 * runtimes' own are in test/runtimes.test.ts).
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
import { freePortForTest } from "../support/free-port.js";
import { readAll } from "../support/net.js";
import { scgiRequest } from "../support/scgi.js";
import { signal } from "../support/signal.js";

/**
 * runServer over a node:net listener on a Unix socket or a TCP port, whose address is
 * known at once (the port is picked before).
 */
function serveOnNode(handler: Handler, options: ServeOptions) {
  return runServer(handler, options, (where, accept): Listening => {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => accept(nodeTransport(socket)));
    if ("path" in where) server.listen(where.path);
    else server.listen(where.port, where.hostname);
    return { address: where, stop: () => server.close() };
  });
}

/** Where a test server listens: a Unix socket's path, or a port on 127.0.0.1. */
type Target = string | number;

const connectTo = (target: Target): net.Socket =>
  typeof target === "string" ? net.connect(target) : net.connect(target, "127.0.0.1");

/**
 * Sends a GET for `uri`; returns the response's body text and how the connection ended.
 * `arrived` settles with the response's first bytes.
 */
async function exchange(
  target: Target,
  uri = "/",
  arrived = (): void => {},
): Promise<{ body: string; error: Error | undefined }> {
  const socket = connectTo(target);
  const answer = readAll(socket);
  socket.once("data", arrived);
  socket.end(
    scgiRequest(
      [
        ["CONTENT_LENGTH", "0"],
        ["SCGI", "1"],
        ["REQUEST_METHOD", "GET"],
        ["REQUEST_URI", uri],
      ],
      new Uint8Array(0),
    ),
  );
  const { bytes, error } = await answer;
  return { body: new TextDecoder().decode(parseHeaderBlock(bytes).rest), error };
}

/** Sends a GET over the Unix socket and returns the response's body text. */
async function get(path: string): Promise<string> {
  return (await exchange(path)).body;
}

/** Whether a new connection to `target` is refused. */
async function refused(target: Target): Promise<boolean> {
  const socket = connectTo(target);
  const outcome = await new Promise<string>((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("error", () => resolve("refused"));
  });
  socket.destroy();
  return outcome === "refused";
}

/** Asks for `/stream`; `streaming` settles once its first part arrived. */
function openStream(target: Target) {
  const { fire: arrived, fired: streaming } = signal();
  return { answer: exchange(target, "/stream", arrived), streaming };
}

/**
 * A handler that answers `/stream` with a first part and then nothing, for ever (until
 * cancelled), and anything else once released.
 */
function streamingHandler() {
  const { fire: release, fired: released } = signal();
  const handler: Handler = async (request) => {
    if (new URL(request.url).pathname === "/stream") {
      const body = new ReadableStream<string>({
        start(controller) {
          controller.enqueue("first part\n");
        },
      });
      return new Response(body.pipeThrough(new TextEncoderStream()));
    }
    await released;
    return new Response("finished");
  };
  return { handler, release };
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
    const { fire: release, fired: released } = signal();
    const { fire: started, fired: isStarted } = signal();
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

describe("runServer's shutdown", () => {
  it("stops accepting at once, lets a request in flight finish, and ends a stream at the timeout with a reset", async () => {
    const { handler, release } = streamingHandler();
    const port = await freePortForTest();
    const server = serveOnNode(handler, { port });
    const { answer: stream, streaming } = openStream(port);
    await streaming;
    const quick = exchange(port, "/quick");
    // Both exchanges are in flight once the second one's handler waits.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = server.shutdown(200);
    expect(server.shutdown(0)).toBe(stopped);
    expect(await refused(port)).toBe(true);
    release();
    expect(await quick).toEqual({ body: "finished", error: undefined });
    expect(await stopped).toEqual({ ended: 1 });
    const { body, error } = await stream;
    expect(body).toBe("first part\n");
    expect((error as NodeJS.ErrnoException | undefined)?.code).toBe("ECONNRESET");
    await server.finished;
  });

  it("ends every connection on closeAllConnections, says how many, and goes on serving", async () => {
    const { handler, release } = streamingHandler();
    release();
    const path = socketPath();
    const server = serveOnNode(handler, { path });
    const { answer: stream, streaming } = openStream(path);
    await streaming;
    expect(server.closeAllConnections()).toBe(1);
    expect((await stream).body).toBe("first part\n");
    expect(server.closeAllConnections()).toBe(0);
    expect(await get(path)).toBe("finished");
    expect(await server.shutdown(0)).toEqual({ ended: 0 });
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
