/**
 * The Node server helper, over real loopback sockets: streaming both ways with
 * backpressure, errors from handlers and peers, timeouts, disconnects and closing.
 */

import { createHash } from "node:crypto";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { localRedirect } from "../src/fetch/index.js";
import { BadNetstringLengthError, PrematureEOFError, RequestHeaders } from "../src/index.js";
import {
  ClientDisconnectedError,
  ClientTimeoutError,
  createServer,
  type Handler,
  type ServerOptions,
} from "../src/node.js";
import { parseHeaderBlock } from "./support/cgi-response.js";
import { close, connect, connectUnix, endlessUpload, exchange, listen, listenUnix, readAll } from "./support/net.js";
import { latin1, webServerRequest as request } from "./support/scgi.js";
import { signal } from "./support/signal.js";

/** The status, headers and body of an SCGI response. */
function parse(bytes: Buffer): { status: string | undefined; fields: [string, string][]; body: Buffer } {
  const { fields, rest } = parseHeaderBlock(bytes);
  return { status: fields.find(([name]) => name === "Status")?.[1], fields, body: Buffer.from(rest) };
}

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

let running: import("node:net").Server[] = [];
afterEach(async () => {
  await Promise.all(running.map((server) => (server.listening ? close(server) : undefined)));
  running = [];
});

/** Starts a server for one test, collecting what it reports through onError. */
async function serve(
  handler: Handler,
  options: ServerOptions = {},
): Promise<{ port: number; errors: unknown[]; server: import("node:net").Server }> {
  const errors: unknown[] = [];
  const server = createServer(handler, { onError: (error) => errors.push(error), ...options });
  running.push(server);
  return { port: await listen(server), errors, server };
}

/** Resolves with `read()` once it is not undefined, polling for up to five seconds. */
async function eventually<T>(read: () => T | undefined): Promise<T | undefined> {
  for (let waited = 0; read() === undefined && waited < 5000; waited += 20) await sleep(20);
  return read();
}

describe("serving", () => {
  it("answers a GET with the handler's response, giving it the URL, headers and CGI variables", async () => {
    const { port } = await serve((req, scgi) => {
      const remote = String.fromCharCode(...(scgi.environment.get("REMOTE_ADDR") ?? []));
      return new Response(`${req.method} ${req.url} ${req.headers.get("x-a")} ${remote}`, {
        headers: { "content-type": "text/plain", "set-cookie": "s=1" },
      });
    });
    const response = parse(
      await exchange(
        port,
        request("GET", "/p?q=1", undefined, [
          ["HTTP_X_A", "1"],
          ["REMOTE_ADDR", "192.0.2.9"],
        ]),
      ),
    );
    expect(response.status).toBe("200 OK");
    expect(response.fields).toContainEqual(["Content-Type", "text/plain"]);
    expect(response.fields).toContainEqual(["set-cookie", "s=1"]);
    expect(response.body.toString()).toBe("GET http://app.test/p?q=1 1 192.0.2.9");
  });

  it("streams a 4 MiB request body to the handler and a 4 MiB response back, intact", { timeout: 30_000 }, async () => {
    const upload = new Uint8Array(4 << 20).map((_, index) => (index * 31) % 251);
    const { port } = await serve(async (req) => {
      const received = new Uint8Array(await req.arrayBuffer());
      const digest = sha256(received);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < received.length; offset += 65536)
            controller.enqueue(received.slice(offset, offset + 65536));
          controller.close();
        },
      });
      return new Response(body, { headers: { "x-sha256": digest } });
    });
    const response = parse(await exchange(port, request("POST", "/upload", upload)));
    expect(response.fields).toContainEqual(["x-sha256", sha256(upload)]);
    expect(sha256(response.body)).toBe(sha256(upload));
  });

  it("echoes a 4 MiB body when the handler answers with the request's own body stream", {
    timeout: 30_000,
  }, async () => {
    const upload = new Uint8Array(4 << 20).map((_, index) => (index * 7) % 253);
    const { port } = await serve((req) => new Response(req.body));
    const response = parse(await exchange(port, request("POST", "/echo", upload)));
    expect(response.body.length).toBe(upload.length);
    expect(sha256(response.body)).toBe(sha256(upload));
  });

  it("writes body chunks of every kind of bytes, and strings as UTF-8", async () => {
    const bytes = latin1("DEFGHIJ");
    const { port, errors } = await serve(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue("AB");
              controller.enqueue(latin1("C"));
              controller.enqueue(bytes.buffer.slice(0, 1)); // an ArrayBuffer: "D"
              controller.enqueue(new DataView(bytes.buffer, 1, 2)); // "EF"
              controller.enqueue(new Uint16Array(bytes.buffer.slice(3, 7))); // "GHIJ"
              controller.enqueue("é");
              controller.close();
            },
          }),
        ),
    );
    expect(parse(await exchange(port, request("GET", "/"))).body.toString()).toBe("ABCDEFGHIJé");
    expect(errors).toEqual([]);
  });

  it("serves a response-like object that is not a Response: status, optional statusText, headers, body", async () => {
    const { port, errors } = await serve(
      (req) =>
        ({
          "/text": { status: 201, headers: { "content-type": "text/plain", "x-a": "1" }, body: "made é" },
          "/stream": {
            status: 200,
            statusText: "Fine",
            // A Headers of another implementation: iterable pairs, as a ponyfill's are.
            headers: new Map([["set-cookie", "a=1"]]),
            // A stream of another implementation: only getReader().
            body: { getReader: () => new Response("streamed").body?.getReader() },
          },
          "/bytes": { status: 404, headers: [["x-b", "2"]], body: new Uint8Array([0x6e, 0x6f]).buffer, statusText: "" },
          "/none": { status: 204, headers: {}, body: null },
        })[new URL(req.url).pathname] as unknown as Response,
    );
    const text = parse(await exchange(port, request("GET", "/text")));
    expect([text.status, text.body.toString()]).toEqual(["201 Created", "made é"]);
    expect(text.fields).toContainEqual(["Content-Type", "text/plain"]);
    expect(text.fields).toContainEqual(["x-a", "1"]);
    const stream = parse(await exchange(port, request("GET", "/stream")));
    expect([stream.status, stream.body.toString()]).toEqual(["200 Fine", "streamed"]);
    expect(stream.fields).toContainEqual(["set-cookie", "a=1"]);
    const bytes = parse(await exchange(port, request("GET", "/bytes")));
    expect([bytes.status, bytes.body.toString()]).toEqual(["404 Not Found", "no"]);
    expect(bytes.fields).toContainEqual(["x-b", "2"]);
    const none = parse(await exchange(port, request("GET", "/none")));
    expect([none.status, none.body.length]).toEqual(["204 No Content", 0]);
    expect(errors).toEqual([]);
  });

  it.each([
    ["no status", { headers: {}, body: null }],
    ["a status out of range", { status: 99, headers: {}, body: null }],
    ["no headers", { status: 200, body: null }],
    ["a body of another kind", { status: 200, headers: {}, body: 42 }],
  ])("answers 500 for an object with %s", async (_name, answer) => {
    const { port, errors } = await serve(() => answer as unknown as Response);
    expect(parse(await exchange(port, request("GET", "/"))).status).toBe("500 Internal Server Error");
    expect(errors[0]).toBeInstanceOf(TypeError);
  });

  it("sends a HEAD response without its body", async () => {
    const { port } = await serve(() => new Response("not sent", { headers: { "content-length": "8" } }));
    const response = parse(await exchange(port, request("HEAD", "/")));
    expect(response.fields).toContainEqual(["content-length", "8"]);
    expect(response.body.length).toBe(0);
  });

  it("reads the whole body the handler ignored before closing, so the response is not reset", {
    timeout: 30_000,
  }, async () => {
    const { port } = await serve(() => new Response("ignored your upload"), { drainLimit: 16 << 20 });
    const socket = await connect(port);
    const answer = readAll(socket);
    socket.end(request("POST", "/", new Uint8Array(8 << 20)));
    const { bytes, error } = await answer;
    expect(error).toBeUndefined();
    expect(parse(bytes).body.toString()).toBe("ignored your upload");
  });

  it("pauses the socket while the handler does not read the body (backpressure)", { timeout: 30_000 }, async () => {
    const { fire: release, fired: released } = signal();
    const { port, server } = await serve(async (req) => {
      await released;
      return new Response(sha256(new Uint8Array(await req.arrayBuffer())));
    });
    let serverSide: import("node:net").Socket | undefined;
    server.on("connection", (socket) => {
      serverSide = socket;
    });
    const upload = new Uint8Array(32 << 20).fill(7);
    const socket = await connect(port);
    const answer = readAll(socket);
    socket.end(request("POST", "/", upload));
    await sleep(500);
    // The handler's stream holds 64 KiB and the socket's own buffer a little more: without
    // backpressure the server would have read most of the 32 MiB by now.
    expect(serverSide?.bytesRead).toBeLessThan(4 << 20);
    release();
    const { bytes } = await answer;
    expect(parse(bytes).body.toString()).toBe(sha256(upload));
  });

  it("answers a client that sends its whole body before reading, when the handler ignores the body", {
    timeout: 30_000,
  }, async () => {
    const answerSize = 20 << 20;
    const { port } = await serve(() => new Response(new Uint8Array(answerSize)));
    const socket = await connect(port);
    socket.pause();
    const upload = request("POST", "/", new Uint8Array(32 << 20));
    // Send everything first, then read: as mod_proxy_scgi does.
    await new Promise<void>((resolve) => socket.write(upload, () => resolve()));
    socket.end();
    socket.resume();
    const { bytes } = await readAll(socket);
    expect(parse(bytes).body.length).toBe(answerSize);
  });

  it("serves a Response shared between requests without crashing: 200, then 500 once its body is used, HEAD still fine", async () => {
    const shared = new Response("shared");
    const { port, errors } = await serve(() => shared);
    expect(parse(await exchange(port, request("GET", "/"))).body.toString()).toBe("shared");
    expect(parse(await exchange(port, request("GET", "/"))).status).toBe("500 Internal Server Error");
    expect(errors[0]).toBeInstanceOf(TypeError);
    const head = parse(await exchange(port, request("HEAD", "/")));
    expect([head.status, head.body.length]).toEqual(["200 OK", 0]);
  });

  it("sends a local redirect to a HEAD request as a local redirect", async () => {
    const { port } = await serve(() => localRedirect("/elsewhere"));
    expect((await exchange(port, request("HEAD", "/"))).toString()).toBe("Location: /elsewhere\r\n\r\n");
  });

  it("drops a client that has its whole answer but never closes, after idleTimeout", async () => {
    const { port } = await serve(() => new Response("bye"), { idleTimeout: 200 });
    const socket = await connect(port);
    const answer = readAll(socket);
    socket.write(request("GET", "/")); // and never end
    const { bytes } = await answer;
    expect(parse(bytes).body.toString()).toBe("bye");
  });

  it("cancels the response body when the client resets the connection while the body waits for data", async () => {
    let cancelled = false;
    const { port } = await serve(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(latin1("first"));
            },
            cancel() {
              cancelled = true;
            },
          }),
        ),
    );
    const socket = await connect(port);
    socket.write(request("GET", "/"));
    await once(socket, "data");
    // A reset, not a close: a close after a complete request reads as an SCGI client's
    // half-close, which the server can only tell from a full close when it next writes.
    socket.resetAndDestroy();
    expect(await eventually(() => (cancelled ? true : undefined))).toBe(true);
  });
});

describe("errors", () => {
  it("answers 500, saying nothing of the error, when the handler throws, and reports the error", async () => {
    const { port, errors } = await serve(() => {
      throw new Error("database password is hunter2");
    });
    const response = parse(await exchange(port, request("GET", "/")));
    expect(response.status).toBe("500 Internal Server Error");
    expect(response.body.toString()).toBe("Internal Server Error\n");
    expect(errors).toEqual([expect.objectContaining({ message: "database password is hunter2" })]);
  });

  it("answers 500 when the handler returns something other than a Response", async () => {
    const { port, errors } = await serve(() => "text" as unknown as Response);
    expect(parse(await exchange(port, request("GET", "/"))).status).toBe("500 Internal Server Error");
    expect(errors[0]).toBeInstanceOf(TypeError);
  });

  it("resets the connection when the response body fails after the headers were sent, so the cut is seen", async () => {
    const { port, errors } = await serve(() => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(latin1("partial"));
          setTimeout(() => controller.error(new Error("upstream broke")), 20);
        },
      });
      return new Response(body);
    });
    const socket = await connect(port);
    const answer = readAll(socket);
    socket.end(request("GET", "/"));
    const { bytes, error } = await answer;
    expect(parse(bytes).body.toString()).toBe("partial");
    // A FIN would end the response as if it were whole.
    expect(error).toMatchObject({ code: "ECONNRESET" });
    expect(errors).toEqual([expect.objectContaining({ message: "upstream broke" })]);
  });

  it("on a Unix socket, which has no reset, closes when the response body fails mid-way, and stays up", async () => {
    const errors: unknown[] = [];
    const server = createServer(
      (req) => {
        if (new URL(req.url).pathname === "/fine") return new Response("fine");
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(latin1("partial"));
            setTimeout(() => controller.error(new Error("upstream broke")), 20);
          },
        });
        return new Response(body);
      },
      { onError: (error) => errors.push(error) },
    );
    running.push(server);
    const path = await listenUnix(server);
    const socket = await connectUnix(path);
    const answer = readAll(socket);
    socket.end(request("GET", "/"));
    expect(parse((await answer).bytes).body.toString()).toBe("partial");
    expect(errors).toEqual([expect.objectContaining({ message: "upstream broke" })]);
    const again = await connectUnix(path);
    const second = readAll(again);
    again.end(request("GET", "/fine"));
    expect(parse((await second).bytes).body.toString()).toBe("fine");
  });

  it("resets the connection, and reports it, when a body chunk is neither bytes nor a string", async () => {
    const { port, errors } = await serve(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(latin1("fine"));
              setTimeout(() => controller.enqueue(42), 20);
            },
          }),
        ),
    );
    const socket = await connect(port);
    const answer = readAll(socket);
    socket.end(request("GET", "/"));
    const { bytes, error } = await answer;
    expect(parse(bytes).body.toString()).toBe("fine");
    expect(error).toMatchObject({ code: "ECONNRESET" });
    expect(errors).toEqual([
      expect.objectContaining({ name: "TypeError", message: expect.stringContaining("number") }),
    ]);
  });

  it("answers 500 when the Response has a header SCGI cannot carry, before anything was sent", async () => {
    const { port, errors } = await serve(() => new Response("x", { headers: { "x-control": "a\u0001b" } }));
    expect(parse(await exchange(port, request("GET", "/"))).status).toBe("500 Internal Server Error");
    expect(errors[0]).toMatchObject({ code: "ERR_SCGI_INVALID_HEADER_VALUE" });
  });

  it("logs errors with console.error unless onError is given", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const server = createServer(() => {
      throw new Error("logged by default");
    });
    running.push(server);
    const port = await listen(server);
    await exchange(port, request("GET", "/"));
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ message: "logged by default" }));
    logged.mockRestore();
  });

  it("survives an onError that throws", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const server = createServer(
      () => {
        throw new Error("handler");
      },
      {
        onError: () => {
          throw new Error("onError itself");
        },
      },
    );
    running.push(server);
    const port = await listen(server);
    expect(parse(await exchange(port, request("GET", "/"))).status).toBe("500 Internal Server Error");
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ message: "onError itself" }));
    logged.mockRestore();
  });

  it("answers a request that breaks the protocol with 400 and the error's message, without calling the handler", async () => {
    let called = false;
    const { port, errors } = await serve(() => {
      called = true;
      return new Response("x");
    });
    const response = parse(await exchange(port, latin1("GET / HTTP/1.1\r\n\r\n")));
    expect(response.status).toBe("400 Bad Request");
    expect(response.fields).toContainEqual(["Content-Type", "text/plain; charset=utf-8"]);
    expect(response.body.toString()).toBe(`${(errors[0] as Error).message}\n`);
    expect(called).toBe(false);
    expect(errors[0]).toBeInstanceOf(BadNetstringLengthError);
  });

  it("answers a request over rxBufferLimit with 431, reading on until the client closes", async () => {
    const { port, errors } = await serve(() => new Response("x"), { rxBufferLimit: 32 });
    const socket = await connect(port);
    const answer = readAll(socket);
    // The client goes on sending after the answer: the server must read it, not reset.
    socket.write(request("GET", "/a-path-long-enough-to-pass-the-limit"));
    await once(socket, "data");
    socket.end(new Uint8Array(1 << 20));
    const { bytes, error } = await answer;
    expect(error).toBeUndefined();
    expect(parse(bytes).status).toBe("431 Request Header Fields Too Large");
    expect(errors[0]).toMatchObject({ code: "ERR_SCGI_ENVIRONMENT_TOO_LONG" });
  });

  it("answers a body cut short by the client's half-close with 400 while the handler waits for it, aborting request.signal", async () => {
    let reason: unknown;
    const { port } = await serve(async (req) => {
      await req.arrayBuffer().catch(() => {});
      reason = req.signal.reason;
      return new Response("never sent");
    });
    // Three of the ten body bytes CONTENT_LENGTH declares, then EOF.
    const bytes = await exchange(port, request("POST", "/", latin1("0123456789")).subarray(0, -7));
    expect(parse(bytes).status).toBe("400 Bad Request");
    expect(await eventually(() => reason)).toBeInstanceOf(PrematureEOFError);
  });

  it("closes the connection, without a second answer, when the request breaks the protocol after the response began", async () => {
    const { port, errors } = await serve(() => new Response("early answer"), { extraData: "error" });
    const socket = await connect(port);
    const answer = readAll(socket);
    socket.write(request("POST", "/", latin1("abc")));
    await once(socket, "data");
    socket.end(latin1("extra"));
    const { bytes } = await answer;
    expect(parse(bytes).body.toString()).toBe("early answer");
    expect(errors[0]).toMatchObject({ code: "ERR_SCGI_EXTRA_DATA" });
  });

  it("keeps serving after any of these", async () => {
    const { port } = await serve(() => new Response("still here"));
    await exchange(port, latin1("garbage")).catch(() => {});
    expect(parse(await exchange(port, request("GET", "/"))).body.toString()).toBe("still here");
  });
});

describe("timeouts and disconnects", () => {
  it("drops a client that does not send its headers in time", async () => {
    const { port, errors } = await serve(() => new Response("x"), { headersTimeout: 100 });
    const socket = await connect(port);
    const answer = readAll(socket);
    socket.write(latin1("70:CONTENT_LENGTH"));
    const { bytes } = await answer;
    expect(bytes.length).toBe(0);
    expect(errors[0]).toBeInstanceOf(ClientTimeoutError);
  });

  /** Starts a server whose handler reads the whole body; `signal()` is the last request's signal. */
  async function serveReadingBody(options: ServerOptions) {
    let signal: AbortSignal | undefined;
    const started = await serve(async (req) => {
      signal = req.signal;
      await req.arrayBuffer().catch(() => {});
      return new Response("x");
    }, options);
    return { ...started, signal: () => signal };
  }

  it("drops a client whose body stalls, aborting request.signal", async () => {
    const { port, errors, signal } = await serveReadingBody({ idleTimeout: 150 });
    const socket = await connect(port);
    const answer = readAll(socket);
    socket.write(request("POST", "/", new Uint8Array(10)).subarray(0, -5));
    await answer;
    expect(errors[0]).toBeInstanceOf(ClientTimeoutError);
    expect(errors[0]).toMatchObject({ code: "ERR_SCGI_CLIENT_TIMEOUT" });
    expect(signal()?.aborted).toBe(true);
  });

  it("drops a client that does not send the whole request within requestTimeout, though it never idles", async () => {
    const { port, errors, signal } = await serveReadingBody({ requestTimeout: 300, idleTimeout: 200 });
    const socket = await connect(port);
    const answer = readAll(socket);
    const whole = request("POST", "/", new Uint8Array(1000));
    socket.write(whole.subarray(0, whole.length - 1000));
    // One byte every 50 ms: never idle for idleTimeout, and never done.
    const trickle = setInterval(() => socket.writable && socket.write(Uint8Array.of(1)), 50);
    const { bytes } = await answer;
    clearInterval(trickle);
    expect(bytes.length).toBe(0);
    expect(errors).toEqual([expect.objectContaining({ message: "Timed out waiting for the whole request" })]);
    expect(signal()?.aborted).toBe(true);
  });

  /** {@link endlessUpload}, with the body of the answer as text. */
  async function upload(port: number, chunk: Uint8Array, every: number): Promise<{ answer: string; sent: number }> {
    const { bytes, sent } = await endlessUpload(port, chunk, every);
    return { answer: parse(bytes).body.toString(), sent };
  }

  it("after the answer, drops a client that sends more than drainLimit bytes of a body nobody reads", async () => {
    const { port } = await serve(() => new Response("no thanks"), { drainLimit: 256 << 10, drainTimeout: 60_000 });
    const { answer, sent } = await upload(port, new Uint8Array(64 << 10), 1);
    expect(answer).toBe("no thanks");
    expect(sent).toBeLessThan(16 << 20);
  });

  it("after the answer, drops a client still sending a body nobody reads after drainTimeout", async () => {
    const { port } = await serve(() => new Response("no thanks"), { drainTimeout: 300, idleTimeout: 200 });
    const { answer, sent } = await upload(port, new Uint8Array(16), 20);
    expect(answer).toBe("no thanks");
    expect(sent).toBeLessThan(16 * 200);
  });

  it("does not time out a slow handler", async () => {
    const { port } = await serve(
      async () => {
        await sleep(300);
        return new Response("slow but fine");
      },
      { idleTimeout: 100 },
    );
    expect(parse(await exchange(port, request("POST", "/", latin1("abc")))).body.toString()).toBe("slow but fine");
  });

  /**
   * Starts a server whose handler records why its signal aborted, sends 4 KiB of a 1 MiB
   * upload, then leaves the way `leave` does; returns the abort reason and the port.
   */
  async function leaveMidUpload(
    leave: (socket: import("node:net").Socket) => void,
  ): Promise<{ reason: unknown; port: number }> {
    let reason: unknown;
    const { port } = await serve(async (req) => {
      req.signal.addEventListener("abort", () => {
        reason = req.signal.reason;
      });
      await req.arrayBuffer().catch(() => {});
      return new Response("x");
    });
    const socket = await connect(port);
    socket.write(request("POST", "/", new Uint8Array(1 << 20)).subarray(0, 4096));
    await sleep(50);
    leave(socket);
    return { reason: await eventually(() => reason), port };
  }

  it("aborts request.signal when the client closes mid-upload (a premature EOF), and stays up", async () => {
    const { reason, port } = await leaveMidUpload((socket) => socket.destroy());
    expect(reason).toBeInstanceOf(PrematureEOFError);
    expect(parse(await exchange(port, request("GET", "/"))).body.toString()).toBe("x");
  });

  it("aborts request.signal with ClientDisconnectedError when the client resets the connection", async () => {
    const { reason } = await leaveMidUpload((socket) => socket.resetAndDestroy());
    expect(reason).toBeInstanceOf(ClientDisconnectedError);
    expect(reason).toMatchObject({ code: "ERR_SCGI_CLIENT_DISCONNECTED" });
  });

  it("lets a request in flight finish after server.close()", async () => {
    const { fire: release, fired: released } = signal();
    const { fire: started, fired: isStarted } = signal();
    const server = createServer(async () => {
      started();
      await released;
      return new Response("finished");
    });
    const port = await listen(server);
    const pending = exchange(port, request("GET", "/"));
    await isStarted;
    const closed = close(server);
    release();
    expect(parse(await pending).body.toString()).toBe("finished");
    await closed;
  });
});

describe("options", () => {
  it.each([
    { headersTimeout: 0 },
    { idleTimeout: -1 },
    { bodyHighWaterMark: Number.NaN },
    { rxBufferLimit: 0 },
    { requestTimeout: 0 },
    { drainLimit: -1 },
    // Timers turn longer delays into 1 ms, which would drop every connection.
    { headersTimeout: 2 ** 31 },
    { idleTimeout: 2 ** 31 },
    { requestTimeout: 2 ** 31 },
    { drainTimeout: 2 ** 31 },
  ])("rejects %o", (options) => {
    expect(() => createServer(() => new Response(), options)).toThrow(RangeError);
  });

  it("takes timeouts up to 2^31 - 1 ms, the longest a timer waits", async () => {
    const longest = 2 ** 31 - 1;
    const { port } = await serve(() => new Response("patient"), {
      headersTimeout: longest,
      idleTimeout: longest,
      requestTimeout: longest,
      drainTimeout: longest,
    });
    expect(parse(await exchange(port, request("GET", "/"))).body.toString()).toBe("patient");
  });

  it("hands the handler the very RequestHeaders class the package exports", async () => {
    let scgiHeaders: unknown;
    const { port } = await serve((_req, scgi) => {
      scgiHeaders = scgi;
      return new Response("x");
    });
    await exchange(port, request("GET", "/"));
    expect(scgiHeaders).toBeInstanceOf(RequestHeaders);
  });
});
