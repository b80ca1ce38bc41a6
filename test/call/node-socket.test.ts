/**
 * `scgiRequest` over real sockets, against peers each test starts itself on loopback or a
 * Unix socket: servers that answer (plainly, chunked, early, malformed), refuse, reset,
 * close, fall silent; callers that time out and abort; bodies streamed both ways.
 */

import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectionClosedError,
  ConnectionRefusedError,
  ConnectionResetError,
  RequestAbortedError,
  RequestTimeoutError,
  scgiRequest,
  TransportError,
} from "../../src/call/node-socket.js";
import {
  BadResponseHeaderError,
  BodyLengthMismatchError,
  IncompleteResponseError,
  ProtocolError,
  RequestBody,
  RequestHeaders,
  ResponseHeadersTooLongError,
  SCGIReader,
} from "../../src/index.js";
import { listen } from "../support/net.js";
import { concat, entries, latin1 } from "../support/scgi.js";

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** Deterministic bytes. */
const payload = (size: number): Uint8Array => new Uint8Array(size).map((_, index) => (index * 7 + 3) % 251);

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
const directories: string[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** An SCGI server on a free loopback port (or the Unix socket `path`) that hands each connection to `serve`. */
async function peer(serve: (socket: net.Socket) => void, path?: string): Promise<string> {
  // Half-open, as SCGI servers are: the client's half-close ends the request, not the connection.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    serve(socket);
  });
  servers.push(server);
  if (path === undefined) return `127.0.0.1:${await listen(server)}`;
  server.listen(path);
  await once(server, "listening");
  return `unix:${path}`;
}

/** A fresh Unix socket path. */
function socketPath(): string {
  const directory = mkdtempSync(join(tmpdir(), "sioscgi-call-"));
  directories.push(directory);
  return join(directory, "scgi.sock");
}

/** What a server read: the request's variables and body, once the client half-closed. */
interface Received {
  readonly variables: [string, string][];
  readonly body: Uint8Array;
}

/** Reads a whole request from `socket`, up to the client's half-close. */
async function request(socket: net.Socket): Promise<Received> {
  const chunks: Uint8Array[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  await once(socket, "end");
  const reader = new SCGIReader();
  reader.receiveData(concat(...chunks));
  reader.receiveData(new Uint8Array(0));
  let variables: [string, string][] = [];
  const body: Uint8Array[] = [];
  for (const event of reader.events()) {
    if (event instanceof RequestHeaders) variables = entries(event.environment);
    else if (event instanceof RequestBody) body.push(event.data);
  }
  return { variables, body: concat(...body) };
}

/** Resolves with the first bytes a connection receives. */
function firstData(socket: net.Socket): Promise<Buffer> {
  return once(socket, "data").then(([chunk]) => chunk as Buffer);
}

/**
 * Resolves once the client has closed the connection: writes to it until its kernel
 * answers with a reset (a client that only half-closed would take the bytes).
 */
async function clientGone(socket: net.Socket): Promise<void> {
  for (;;) {
    const error = await new Promise<Error | null | undefined>((resolve) => socket.write("x", resolve));
    if (error || socket.destroyed) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A loopback port nothing listens on (free when this returns). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that answers each request with its variables and a digest of its body. */
function echo(socket: net.Socket): void {
  void request(socket).then(({ variables, body }) => {
    socket.end(
      `Status: 201 Created\r\nContent-Type: application/json\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: close\r\n\r\n${JSON.stringify({ variables, length: body.length, sha256: sha256(body), text: Buffer.from(body).toString("latin1") })}`,
    );
  });
}

interface Echoed {
  variables: [string, string][];
  length: number;
  sha256: string;
  text: string;
}

describe("scgiRequest against a server that answers", () => {
  it("resolves to a Response: status and reason from Status, headers without hop-by-hop ones, the body", async () => {
    const target = await peer(echo);
    const response = await scgiRequest(target, {
      environment: { REQUEST_URI: "/RPC2", CONTENT_TYPE: "text/xml" },
      body: "<call/>",
    });
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText]).toEqual([201, "Created"]);
    expect([...response.headers]).toEqual([
      ["content-type", "application/json"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
    ]);
    const seen = (await response.json()) as Echoed;
    expect(seen.variables).toEqual([
      ["CONTENT_LENGTH", "7"],
      ["SCGI", "1"],
      ["REQUEST_URI", "/RPC2"],
      ["CONTENT_TYPE", "text/xml"],
      ["REQUEST_METHOD", "POST"],
    ]);
    expect(seen.text).toBe("<call/>");
  });

  it("sends a string body as UTF-8, its CONTENT_LENGTH in bytes", async () => {
    const target = await peer(echo);
    const text = "Zoë ☃ 𝄞";
    const seen = (await (await scgiRequest(target, { body: text })).json()) as Echoed;
    const bytes = new TextEncoder().encode(text);
    expect(seen.variables[0]).toEqual(["CONTENT_LENGTH", String(bytes.length)]);
    expect(seen.sha256).toBe(sha256(bytes));
  });

  it('connects to "unix:/path", { path } and { host, port }', async () => {
    const path = socketPath();
    const target = await peer(echo, path);
    for (const form of [target, { path }]) {
      expect((await scgiRequest(form, { body: "x" })).status).toBe(201);
    }
    const [host, port] = (await peer(echo)).split(":") as [string, string];
    expect((await scgiRequest({ host, port: Number(port) })).status).toBe(201);
  });

  it("streams a request body from a ReadableStream with contentLength, as the socket takes it", async () => {
    const target = await peer(echo);
    const body = payload(3 * 1024 * 1024 + 5);
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= body.length) controller.close();
        else controller.enqueue(body.slice(offset, offset + 100_000));
        offset += 100_000;
      },
    });
    const seen = (await (await scgiRequest(target, { body: stream, contentLength: body.length })).json()) as Echoed;
    expect([seen.length, seen.sha256]).toEqual([body.length, sha256(body)]);
  });

  it("streams a large response body whole and in order", async () => {
    const body = payload(8 * 1024 * 1024);
    const target = await peer((socket) => {
      void request(socket).then(() => {
        socket.write("Status: 200 OK\r\n\r\n");
        socket.end(body);
      });
    });
    const response = await scgiRequest(target);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(body));
  });

  it("pauses the socket while the body is not read: the server cannot finish writing until the consumer reads", async () => {
    // Far more than loopback's socket buffers hold, so that only a client reading it all
    // into memory would let the server's write complete before the consumer starts.
    const body = new Uint8Array(32 * 1024 * 1024).fill(0x2a);
    const order: string[] = [];
    const target = await peer((socket) => {
      void request(socket).then(() => {
        socket.write("Status: 200 OK\r\n\r\n");
        socket.end(body, () => order.push("server wrote everything"));
      });
    });
    const response = await scgiRequest(target);
    // Time enough for a client without backpressure to take it all; with backpressure the
    // order below holds however long this is.
    await new Promise((resolve) => setTimeout(resolve, 500));
    order.push("consumer reads");
    expect(Buffer.compare(new Uint8Array(await response.arrayBuffer()), body)).toBe(0);
    expect(order).toEqual(["consumer reads", "server wrote everything"]);
  });

  it("decodes a chunked body, however the server's writes cut it", async () => {
    const target = await peer((socket) => {
      void request(socket).then(async () => {
        const parts = [
          "Status: 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r",
          "\nhello\r\n",
          "6;x=y\r\n wor",
          "ld\r\n0\r\n\r\n",
        ];
        for (const part of parts) {
          socket.write(part);
          await new Promise((resolve) => setImmediate(resolve));
        }
        socket.end();
      });
    });
    const response = await scgiRequest(target);
    expect(response.headers.has("transfer-encoding")).toBe(false);
    expect(await response.text()).toBe("hello world");
  });

  it("takes an answer sent before the request body was read, and stops sending the body", async () => {
    const target = await peer((socket) => {
      void firstData(socket).then(() => {
        socket.end("Status: 413 Content Too Large\r\nContent-Type: text/plain\r\n\r\ntoo large");
      });
    });
    let cancelled: (reason: unknown) => void = () => {};
    const stopped = new Promise((resolve) => {
      cancelled = resolve;
    });
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(65536)),
      cancel: (reason) => cancelled(reason),
    });
    const response = await scgiRequest(target, { body: endless, contentLength: 2 ** 40 });
    expect([response.status, await response.text()]).toEqual([413, "too large"]);
    await stopped;
  });

  it("HEAD: a Response without a body", async () => {
    const target = await peer((socket) => {
      void request(socket).then(() => socket.end("Status: 200 OK\r\nContent-Length: 3\r\n\r\n"));
    });
    const response = await scgiRequest(target, { environment: { REQUEST_METHOD: "HEAD" } });
    expect([response.status, response.body, response.headers.get("content-length")]).toEqual([200, null, "3"]);
  });
});

/** Checks that `error` is the transport leaf `type` with `code`, and not a ProtocolError. */
function expectTransport(error: unknown, type: abstract new (...args: never[]) => TransportError, code: string): void {
  expect(error).toBeInstanceOf(type);
  expect(error).toBeInstanceOf(TransportError);
  expect(error).not.toBeInstanceOf(ProtocolError);
  expect((error as TransportError).code).toBe(code);
  expect((error as Error).name).toBe(type.name);
}

/** The rejection of `promise`. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("resolved"),
    (error: unknown) => error,
  );
}

describe("scgiRequest rejects with a typed error", () => {
  it("when nothing listens at the port: ConnectionRefusedError, ECONNREFUSED as its cause", async () => {
    const port = await closedPort();
    const error = await rejection(scgiRequest(`127.0.0.1:${port}`));
    expectTransport(error, ConnectionRefusedError, "ERR_SCGI_CONNECTION_REFUSED");
    expect((error as Error).message).toBe(`Could not connect to the SCGI server at 127.0.0.1:${port} (ECONNREFUSED)`);
    expect((error as Error).cause).toMatchObject({ code: "ECONNREFUSED" });
  });

  it("when no socket is at the path: ConnectionRefusedError", async () => {
    const path = socketPath();
    const error = await rejection(scgiRequest({ path }));
    expectTransport(error, ConnectionRefusedError, "ERR_SCGI_CONNECTION_REFUSED");
    expect((error as Error).message).toContain(`unix:${path}`);
  });

  it("when the server resets the connection mid-request: ConnectionResetError, hinting at a refusal", async () => {
    const target = await peer((socket) => {
      void firstData(socket).then(() => socket.resetAndDestroy());
    });
    const body = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(1024)) });
    const error = await rejection(scgiRequest(target, { body, contentLength: 2 ** 30 }));
    expectTransport(error, ConnectionResetError, "ERR_SCGI_CONNECTION_RESET");
    expect((error as Error).message).toMatch(
      /^The connection to 127\.0\.0\.1:\d+ failed \((ECONNRESET|EPIPE)\) before a complete response header block: the server may have refused the request, for instance for its size$/,
    );
  });

  it("when the server closes without a byte: ConnectionClosedError, the reader's error as its cause", async () => {
    const target = await peer((socket) => {
      void request(socket).then(() => socket.end());
    });
    const error = await rejection(scgiRequest(target, { body: "x" }));
    expectTransport(error, ConnectionClosedError, "ERR_SCGI_CONNECTION_CLOSED");
    expect((error as Error).message).toMatch(
      /closed the connection before a complete response header block: the server may have refused the request/,
    );
    expect((error as Error).cause).toBeInstanceOf(IncompleteResponseError);
  });

  it("when the server closes inside the header block: ConnectionClosedError", async () => {
    const target = await peer((socket) => {
      void request(socket).then(() => socket.end("Status: 200 OK\r\nContent-Ty"));
    });
    expectTransport(await rejection(scgiRequest(target)), ConnectionClosedError, "ERR_SCGI_CONNECTION_CLOSED");
  });

  it("when the server stays silent past the timeout: RequestTimeoutError", async () => {
    const target = await peer(() => {});
    const error = await rejection(scgiRequest(target, { timeout: 50 }));
    expectTransport(error, RequestTimeoutError, "ERR_SCGI_REQUEST_TIMEOUT");
    expect((error as Error).message).toBe("The SCGI exchange did not complete within 50 ms");
  });

  it("when the signal aborts while waiting: RequestAbortedError, the reason as its cause; the connection closed", async () => {
    let connected: (socket: net.Socket) => void = () => {};
    const accepted = new Promise<net.Socket>((resolve) => {
      connected = resolve;
    });
    const target = await peer((socket) => connected(socket));
    const controller = new AbortController();
    const pending = scgiRequest(target, { signal: controller.signal });
    const socket = await accepted;
    const reason = new Error("enough");
    controller.abort(reason);
    const error = await rejection(pending);
    expectTransport(error, RequestAbortedError, "ERR_SCGI_REQUEST_ABORTED");
    expect((error as Error).cause).toBe(reason);
    await clientGone(socket);
  });

  it("when the signal is already aborted: RequestAbortedError without connecting, the body cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      cancel: () => {
        cancelled = true;
      },
    });
    const error = await rejection(
      scgiRequest(`127.0.0.1:${await closedPort()}`, { signal: controller.signal, body, contentLength: 1 }),
    );
    expectTransport(error, RequestAbortedError, "ERR_SCGI_REQUEST_ABORTED");
    expect((error as Error).cause).toBe(controller.signal.reason);
    expect(cancelled).toBe(true);
  });

  it("when the answer is malformed: the reader's RemoteProtocolError, httpStatus 502", async () => {
    const target = await peer((socket) => {
      void request(socket).then(() => socket.end("<html>oops</html>\r\n\r\n"));
    });
    const error = await rejection(scgiRequest(target));
    expect(error).toBeInstanceOf(BadResponseHeaderError);
    expect(error).toMatchObject({ httpStatus: 502 });
  });

  it("when the header block is longer than rxBufferLimit: ResponseHeadersTooLongError", async () => {
    const target = await peer((socket) => {
      void request(socket).then(() => socket.end(`X-Long: ${"a".repeat(100)}\r\n\r\n`));
    });
    expect(await rejection(scgiRequest(target, { rxBufferLimit: 64 }))).toBeInstanceOf(ResponseHeadersTooLongError);
    expect((await scgiRequest(target)).status).toBe(200);
  });

  it("when a streamed body is shorter than contentLength: BodyLengthMismatchError, and the connection is closed", async () => {
    let closed: Promise<unknown> = Promise.resolve();
    const target = await peer((socket) => {
      closed = once(socket, "close");
      socket.resume();
    });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(latin1("abc"));
        controller.close();
      },
    });
    expect(await rejection(scgiRequest(target, { body, contentLength: 4 }))).toBeInstanceOf(BodyLengthMismatchError);
    await closed;
  });

  it("when the streamed body fails: its own error", async () => {
    const target = await peer((socket) => socket.resume());
    const failure = new Error("disk gone");
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.error(failure),
    });
    expect(await rejection(scgiRequest(target, { body, contentLength: 10 }))).toBe(failure);
  });
});

describe("after the headers, the same failures error the body", () => {
  /** A server that answers with `head` and then hands the socket to the test. */
  async function answering(head: string): Promise<{ target: string; socket: Promise<net.Socket> }> {
    let handOver: (socket: net.Socket) => void = () => {};
    const socket = new Promise<net.Socket>((resolve) => {
      handOver = resolve;
    });
    const target = await peer((connection) => {
      void request(connection).then(() => {
        connection.write(head);
        handOver(connection);
      });
    });
    return { target, socket };
  }

  it("a reset: ConnectionResetError, without the refusal hint", async () => {
    const { target, socket } = await answering("Status: 200 OK\r\n\r\nsome");
    const response = await scgiRequest(target);
    (await socket).resetAndDestroy();
    const error = await rejection(response.text());
    expectTransport(error, ConnectionResetError, "ERR_SCGI_CONNECTION_RESET");
    expect((error as Error).message).toMatch(/failed \(ECONNRESET\) before the end of the response body$/);
  });

  it("EOF short of the Content-Length: the reader's IncompleteResponseError", async () => {
    const { target, socket } = await answering("Status: 200 OK\r\nContent-Length: 10\r\n\r\nsome");
    const response = await scgiRequest(target);
    (await socket).end();
    expect(await rejection(response.text())).toBeInstanceOf(IncompleteResponseError);
  });

  it("the timeout: RequestTimeoutError", async () => {
    const { target } = await answering("Status: 200 OK\r\n\r\nsome");
    const response = await scgiRequest(target, { timeout: 200 });
    expectTransport(await rejection(response.text()), RequestTimeoutError, "ERR_SCGI_REQUEST_TIMEOUT");
  });

  it("an abort: RequestAbortedError", async () => {
    const { target } = await answering("Status: 200 OK\r\n\r\nsome");
    const controller = new AbortController();
    const response = await scgiRequest(target, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(latin1("some")).toEqual(new Uint8Array((await reader.read()).value as Uint8Array));
    controller.abort();
    expectTransport(await rejection(reader.read()), RequestAbortedError, "ERR_SCGI_REQUEST_ABORTED");
  });

  it("cancelling the body closes the connection", async () => {
    const { target, socket } = await answering("Status: 200 OK\r\n\r\nsome");
    const response = await scgiRequest(target);
    await response.body?.cancel();
    await clientGone(await socket);
  });
});
