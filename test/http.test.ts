/**
 * sioscgi/http over real loopback sockets, with this library's SCGI client on the other
 * end: the request as node:http applications read it, the response as they write it,
 * backpressure both ways, and every way an exchange can end early.
 */

import { createHash } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SCGIClientConnection } from "../src/client/connection.js";
import { decodeResponse, encodeRequest } from "../src/client/one-shot.js";
import { toRequest } from "../src/fetch/index.js";
import { createServer, type RequestListener, type ServerOptions, scgiEnvironment } from "../src/http.js";
import { RequestEnd, RequestHeaders } from "../src/index.js";
import { ClientTimeoutError } from "../src/node.js";
import { connect, connectUnix, endlessUpload, exchange, listen, listenUnix, readAll } from "./support/net.js";

const servers: http.Server[] = [];

/** `promise`, or `null` if it has not settled within five seconds: for what must not wait forever. */
const bounded = <T>(promise: Promise<T>): Promise<T | null> => Promise.race([promise, sleep(5000).then(() => null)]);

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Starts a server with `listener` (errors it handles go to the returned array) and returns its port. */
async function serve(
  listener: RequestListener,
  options: ServerOptions = {},
): Promise<{ port: number; errors: unknown[]; server: http.Server }> {
  const errors: unknown[] = [];
  const server = createServer({ onError: (error) => errors.push(error), ...options }, listener);
  servers.push(server);
  return { port: await listen(server), errors, server };
}

/** The environment nginx sends, with `extra` variables added or replacing. */
function environment(method: string, uri: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SCGI: "1",
    REQUEST_METHOD: method,
    REQUEST_URI: uri,
    SERVER_PROTOCOL: "HTTP/1.1",
    REMOTE_ADDR: "192.0.2.7",
    REMOTE_PORT: "50123",
    SERVER_ADDR: "192.0.2.1",
    SERVER_PORT: "443",
    HTTP_HOST: "app.test",
    ...extra,
  };
}

/** One request, answered whole: the decoded response. */
async function call(port: number, env: Record<string, string>, body: Uint8Array = new Uint8Array(0)) {
  return decodeResponse(await exchange(port, encodeRequest(env, body)));
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");
const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
const payload = (size: number): Uint8Array => new Uint8Array(size).map((_, index) => (index * 7 + 3) % 256);

describe("the request", () => {
  it("is a real IncomingMessage with the method, URL, version, headers and client of the SCGI request", async () => {
    let seen: Record<string, unknown> = {};
    const { port } = await serve((req, res) => {
      const socket = req.socket as typeof req.socket & { encrypted?: boolean };
      seen = {
        incoming: req instanceof http.IncomingMessage,
        outgoing: res instanceof http.ServerResponse,
        socket: res.socket === req.socket && scgiEnvironment(req) instanceof Map,
        method: req.method,
        url: req.url,
        version: [req.httpVersion, req.httpVersionMajor, req.httpVersionMinor],
        headers: req.headers,
        raw: req.rawHeaders,
        remote: [socket.remoteAddress, socket.remotePort],
        local: [socket.localAddress, socket.localPort],
        encrypted: socket.encrypted,
        documentRoot: Buffer.from(scgiEnvironment(req)?.get("DOCUMENT_ROOT") ?? []).toString(),
        chained: socket.setNoDelay() === socket && socket.setKeepAlive() === socket,
      };
      res.end();
    });
    const response = await call(
      port,
      environment("GET", "/path/x%20y?q=1", {
        QUERY_STRING: "q=1",
        DOCUMENT_ROOT: "/srv",
        HTTPS: "on",
        HTTP_USER_AGENT: "curl/8",
        HTTP_X_TEXT: "caf\xe9",
        HTTP_COOKIE: "a=1; b=2",
        HTTP_CONTENT_LENGTH: "99",
        HTTP_TRANSFER_ENCODING: "chunked",
      }),
    );
    expect(response.status).toBe(200);
    expect(seen).toEqual({
      incoming: true,
      outgoing: true,
      socket: true,
      method: "GET",
      url: "/path/x%20y?q=1",
      version: ["1.1", 1, 1],
      headers: { host: "app.test", "user-agent": "curl/8", "x-text": "caf\xe9", cookie: "a=1; b=2" },
      raw: ["host", "app.test", "user-agent", "curl/8", "x-text", "caf\xe9", "cookie", "a=1; b=2"],
      remote: ["192.0.2.7", 50123],
      local: ["192.0.2.1", 443],
      encrypted: true,
      documentRoot: "/srv",
      chained: true,
    });
  });

  it("drops header names and values node:http's parser refuses, as toRequest does, and keeps the rest", async () => {
    let seen: unknown;
    const { port } = await serve((req, res) => {
      seen = [req.rawHeaders, req.headers["x-a"], req.headers["set-cookie"]];
      res.end();
    });
    const env: Record<string, string> = {
      ...environment("GET", "/"),
      HTTP_X_A: "v\r\nSet-Cookie: x=1",
      "HTTP_BAD NAME": "1",
      HTTP_X_PADDED: " kept \t",
    };
    const response = await call(port, env);
    expect(response.status).toBe(200);
    expect(seen).toEqual([["host", "app.test", "x-padded", "kept"], undefined, undefined]);
    const request = toRequest(new RequestHeaders(env));
    expect([...request.headers]).toEqual([
      ["host", "app.test"],
      ["x-padded", "kept"],
    ]);
  });

  it("has the URL toRequest gives, the target and not the original after Apache's local redirect (REDIRECT_URL)", async () => {
    let seen: string | undefined;
    const { port } = await serve((req, res) => {
      seen = req.url;
      res.end();
    });
    // Apache after `RewriteRule ^/old(.*)$ /app/new$1 [PT]` or an ErrorDocument: REQUEST_URI
    // names the request the client sent; the CGI variables name where it was sent on to.
    const env = environment("GET", "/old/x%20y?a=b", {
      REDIRECT_URL: "/app/new/x y",
      REDIRECT_STATUS: "200",
      SCRIPT_NAME: "/app",
      PATH_INFO: "/new/x y",
      QUERY_STRING: "a=b",
    });
    await call(port, env);
    expect(seen).toBe("/app/new/x%20y?a=b");
    const url = new URL(toRequest(new RequestHeaders(env)).url);
    expect(`${url.pathname}${url.search}`).toBe(seen);
  });

  it.each([
    [
      "without REQUEST_URI, from SCRIPT_NAME, PATH_INFO and QUERY_STRING",
      { SCRIPT_NAME: "/app", PATH_INFO: "/x", QUERY_STRING: "a=b" },
      "/app/x?a=b",
    ],
    ["without any of them, /", {}, "/"],
    ["without a query", { PATH_INFO: "/x", QUERY_STRING: "" }, "/x"],
  ])("has a URL %s", async (_, extra, url) => {
    let seen: string | undefined;
    const { port } = await serve((req, res) => {
      seen = req.url;
      res.end();
    });
    const env: Record<string, string> = environment("GET", "", extra);
    delete env.REQUEST_URI;
    await call(port, env);
    expect(seen).toBe(url);
  });

  it("reports no client details the web server did not send, and HTTP/1.1 for an unreadable protocol", async () => {
    let seen: unknown[] = [];
    const { port } = await serve((req, res) => {
      const socket = req.socket as typeof req.socket & { encrypted?: boolean };
      seen = [socket.remoteAddress, socket.remotePort, socket.localPort, socket.encrypted, req.httpVersion, req.method];
      res.end();
    });
    await call(port, { SCGI: "1", SERVER_PROTOCOL: "INCLUDED", REMOTE_PORT: "none", HTTPS: "off" });
    expect(seen).toEqual([undefined, undefined, undefined, undefined, "1.1", "GET"]);
    await call(port, { SCGI: "1", HTTPS: "1" });
    expect(seen).toEqual([undefined, undefined, undefined, true, "1.1", "GET"]);
  });

  it.each([
    ["GET", 0, undefined],
    ["HEAD", 0, undefined],
    ["POST", 0, "0"],
    ["DELETE", 0, "0"],
    ["GET", 3, "3"],
  ])("%s with a body of %d bytes has content-length %s", async (method, size, contentLength) => {
    let seen: unknown;
    const { port } = await serve((req, res) => {
      seen = req.headers["content-length"];
      req.resume();
      req.on("end", () => res.end());
    });
    await call(port, environment(method, "/"), payload(size));
    expect(seen).toBe(contentLength);
  });

  it("has its body as the message stream, with content-type, whole and in order", async () => {
    const body = payload(300_000);
    const { port } = await serve(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      res.setHeader("Content-Type", "application/json");
      res.end(
        JSON.stringify({
          type: req.headers["content-type"],
          sha: sha256(Buffer.concat(chunks)),
          complete: req.complete,
        }),
      );
    });
    const response = await call(
      port,
      environment("POST", "/upload", { CONTENT_TYPE: "application/octet-stream" }),
      body,
    );
    expect(JSON.parse(text(response.body))).toEqual({
      type: "application/octet-stream",
      sha: sha256(body),
      complete: true,
    });
  });

  it("pauses the connection while the application does not read: the body waits in the client, not in memory", async () => {
    const body = payload(8 * 1024 * 1024);
    let buffered = 0;
    let request: http.IncomingMessage | undefined;
    let response: http.ServerResponse | undefined;
    const { port } = await serve((req, res) => {
      request = req;
      response = res;
    });
    const socket = await connect(port);
    const answer = readAll(socket);
    socket.write(encodeRequest(environment("POST", "/slow"), body));
    // The application has not read a byte: the server stops reading after a window.
    for (let waited = 0; request === undefined && waited < 2000; waited += 10) await sleep(10);
    await sleep(300);
    const req = request as http.IncomingMessage;
    buffered = req.readableLength;
    expect(buffered).toBeGreaterThan(0);
    expect(buffered).toBeLessThan(1024 * 1024);
    expect(socket.writableLength).toBeGreaterThan(0);
    // Read on: the whole body arrives.
    const hash = createHash("sha256");
    let received = 0;
    req.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      received += chunk.length;
    });
    await once(req, "end");
    expect([received, hash.digest("hex")]).toEqual([body.length, sha256(body)]);
    response?.end("done");
    socket.end();
    expect(text(decodeResponse((await answer).bytes).body)).toBe("done");
  });
});

describe("the response", () => {
  it("carries the status, the headers, two Set-Cookie fields and the body", async () => {
    const { port } = await serve((_req, res) => {
      res.statusCode = 201;
      res.statusMessage = "Made";
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.setHeader("Set-Cookie", ["a=1; Path=/", "b=2; HttpOnly"]);
      res.setHeader("X-Spaced", "  trimmed  ");
      res.end("héllo");
    });
    const response = await call(port, environment("GET", "/"));
    expect(response.headers.status).toBe("201 Made");
    expect(response.headers.contentType).toBe("text/plain; charset=utf-8");
    expect(response.headers.otherHeaders).toEqual([
      ["Set-Cookie", "a=1; Path=/"],
      ["Set-Cookie", "b=2; HttpOnly"],
      ["X-Spaced", "trimmed"],
      ["Content-Length", "6"],
    ]);
    expect(text(response.body)).toBe("héllo");
  });

  it("passes on header bytes above 0x7F as node:http renders them, and a Location", async () => {
    const { port } = await serve((_req, res) => {
      res.writeHead(302, { Location: "/elsewhere", "X-Latin": "caf\xe9" }).end(Buffer.from("moved"));
    });
    const response = await call(port, environment("GET", "/"));
    expect([response.headers.status, response.headers.location, text(response.body)]).toEqual([
      "302 Found",
      "/elsewhere",
      "moved",
    ]);
    expect(response.headers.otherHeaders).toContainEqual(["X-Latin", "caf\xe9"]);
  });

  it("streams: the head and each write reach the client before the response ends", async () => {
    let finish = (): void => {};
    const { port } = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      res.flushHeaders();
      res.write("data: one\n\n");
      finish = () => res.end("data: two\n\n");
    });
    const socket = await connect(port);
    const client = new SCGIClientConnection();
    socket.write(
      client.send(new RequestHeaders({ ...environment("GET", "/events"), CONTENT_LENGTH: "0" })) as Uint8Array,
    );
    client.send(new RequestEnd());
    const events: string[] = [];
    let body = "";
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      client.receiveData(chunk);
      for (let event = client.nextEvent(); event !== null; event = client.nextEvent()) {
        events.push(event.type);
        if (event.type === "ResponseBody") body += text(event.data);
      }
      if (body === "data: one\n\n") finish();
    }
    client.receiveData(new Uint8Array(0));
    for (let event = client.nextEvent(); event !== null; event = client.nextEvent()) events.push(event.type);
    expect(body).toBe("data: one\n\ndata: two\n\n");
    expect(events[0]).toBe("ResponseHeaders");
    expect(events.at(-1)).toBe("ResponseEnd");
  });

  it("takes a body node:http chunks (no length known), unframed, with trailers dropped", async () => {
    const { port } = await serve((req, res) => {
      if (req.url === "/explicit") res.setHeader("Transfer-Encoding", "chunked");
      res.write("one ");
      res.write(Buffer.from("two "));
      res.write("");
      res.addTrailers({ "X-Sum": "3" });
      res.end("three");
    });
    for (const path of ["/implicit", "/explicit"]) {
      const response = await call(port, environment("GET", path));
      expect([response.status, text(response.body)]).toEqual([200, "one two three"]);
      expect(response.headers.otherHeaders.map(([name]) => name.toLowerCase())).toEqual([]);
    }
  });

  it("writes with backpressure: write() returns false while the client does not read, and 'drain' follows", async () => {
    const size = 16 * 1024 * 1024;
    const block = Buffer.alloc(64 * 1024, 0x61);
    let refused = 0;
    let drained = 0;
    let needDrainAfter: boolean | undefined;
    const { port } = await serve(async (_req, res) => {
      res.setHeader("Content-Length", String(size));
      for (let sent = 0; sent < size; sent += block.length) {
        if (!res.write(block)) {
          refused++;
          await once(res, "drain");
          drained++;
          needDrainAfter = res.writableNeedDrain;
        }
      }
      res.end();
    });
    const socket = await connect(port);
    socket.write(encodeRequest(environment("GET", "/big")));
    socket.pause();
    await sleep(300);
    socket.resume();
    const { bytes } = await readAll(socket);
    expect(decodeResponse(bytes).body.length).toBe(size);
    expect(refused).toBeGreaterThan(0);
    expect(drained).toBe(refused);
    expect(needDrainAfter).toBe(false);
  });

  it("answers HEAD with the headers and no body (and, as node:http, no length)", async () => {
    const { port } = await serve((_req, res) => {
      res.setHeader("Content-Type", "text/plain");
      res.end("not sent");
    });
    const response = await call(port, environment("HEAD", "/"));
    expect([response.status, response.headers.otherHeaders, response.body.length]).toEqual([200, [], 0]);
  });

  it("drops interim responses (100 Continue, 103 Early Hints), which SCGI cannot carry", async () => {
    const { port } = await serve((_req, res) => {
      res.writeContinue();
      res.writeEarlyHints({ link: "</style.css>; rel=preload" });
      res.end("final");
    });
    const response = await call(port, environment("GET", "/"));
    expect([response.status, text(response.body)]).toEqual([200, "final"]);
  });

  it("sends a response of HTTP/1.0 unframed", async () => {
    const { port } = await serve((req, res) => {
      res.write(`${req.httpVersion} `);
      res.end("ok");
    });
    const response = await call(port, environment("GET", "/", { SERVER_PROTOCOL: "HTTP/1.0" }));
    expect(text(response.body)).toBe("1.0 ok");
  });

  it("emits 'finish' then 'close' on the response, and 'close' on the request", async () => {
    const order: string[] = [];
    const { port } = await serve((req, res) => {
      res.on("finish", () => order.push("finish"));
      res.on("close", () => order.push(`close ${res.destroyed}`));
      req.on("close", () => order.push("request close"));
      res.end("x");
    });
    await call(port, environment("GET", "/"));
    for (let waited = 0; order.length < 3 && waited < 1000; waited += 10) await sleep(10);
    expect(order.slice(0, 2)).toEqual(["finish", "close true"]);
    expect(order).toContain("request close");
  });

  it("reads and drops a body the application answered without reading, and the client gets the whole answer", async () => {
    const { port } = await serve((_req, res) => res.end("early"), { drainLimit: 8 << 20 });
    const response = await call(port, environment("POST", "/"), payload(4 * 1024 * 1024));
    expect(text(response.body)).toBe("early");
  });
});

describe("failures", () => {
  it("answers a malformed SCGI request with 400, without calling the application", async () => {
    const listener = vi.fn();
    const { port, errors } = await serve(listener);
    const response = decodeResponse(await exchange(port, Buffer.from("5:ab\0cd,")));
    expect(response.status).toBe(400);
    expect(listener).not.toHaveBeenCalled();
    expect(errors).toHaveLength(1);
  });

  it("answers an environment over the limit with its status (431)", async () => {
    const { port } = await serve(vi.fn(), { rxBufferLimit: 64 });
    const response = await call(port, environment("GET", "/", { HTTP_X_LONG: "x".repeat(100) }));
    expect(response.status).toBe(431);
  });

  it.each([
    ["a Status header", (res: http.ServerResponse) => res.setHeader("Status", "200 OK")],
    ["a hop-by-hop header", (res: http.ServerResponse) => res.setHeader("Upgrade", "websocket")],
    ["a status above 599", (res: http.ServerResponse) => (res.statusCode = 600)],
  ])("answers 500, and never sends the header, when the application sets %s", async (_, mistake) => {
    const { port, errors } = await serve((_req, res) => {
      mistake(res);
      res.end("secret");
    });
    const response = await call(port, environment("GET", "/"));
    expect(response.status).toBe(500);
    expect(text(response.body)).toBe("Internal Server Error\n");
    expect(response.headers.otherHeaders).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it("answers 500 before the rest of the body arrives, and still reads it all", async () => {
    const { port } = await serve(
      (req, res) => {
        res.setHeader("Status", "bad");
        res.end();
        req.resume();
      },
      { drainLimit: 8 << 20 },
    );
    const response = await call(port, environment("POST", "/"), payload(2 * 1024 * 1024));
    expect(response.status).toBe(500);
  });

  it("resets the connection when the response is destroyed mid-body: the client sees an error, not an end", async () => {
    const { port } = await serve((_req, res) => {
      res.setHeader("Content-Type", "text/plain");
      res.write("partial");
      setTimeout(() => res.destroy(new Error("on purpose")), 50);
    });
    const socket = await connect(port);
    socket.write(encodeRequest(environment("GET", "/")));
    const { bytes, error } = await readAll(socket);
    expect((error as NodeJS.ErrnoException | undefined)?.code).toBe("ECONNRESET");
    expect(Buffer.from(bytes).toString("latin1")).not.toContain("Internal Server Error");
  });

  it("on a Unix socket, which has no reset, closes when the response is destroyed mid-body, the response cut", async () => {
    const server = createServer((_req, res) => {
      res.setHeader("Content-Length", "1000");
      res.write("partial");
      setTimeout(() => res.destroy(new Error("on purpose")), 20);
    });
    servers.push(server);
    const socket = await connectUnix(await listenUnix(server));
    socket.write(encodeRequest(environment("GET", "/")));
    const ended = await bounded(readAll(socket));
    expect(ended).not.toBeNull();
    const { bytes } = ended as { bytes: Buffer };
    expect(bytes.toString("latin1")).toMatch(/partial$/);
    // 7 bytes of the 1000 announced: the client knows the response was cut.
    expect(() => decodeResponse(bytes)).toThrow(/Connection closed 7 bytes into a response body/);
  });

  it("on a Unix socket, ends a request half-closed before its body is complete, aborting the application's request", async () => {
    let aborted = false;
    const errors: unknown[] = [];
    const server = createServer({ onError: (error) => errors.push(error) }, (req) => {
      req.on("aborted", () => {
        aborted = true;
      });
    });
    servers.push(server);
    const socket = await connectUnix(await listenUnix(server));
    const head = new SCGIClientConnection().send(
      new RequestHeaders({ ...environment("POST", "/"), CONTENT_LENGTH: "1000" }),
    ) as Uint8Array;
    const answer = readAll(socket);
    socket.write(head);
    await sleep(20);
    socket.end("only part of it");
    expect((await answer).bytes.length).toBe(0);
    expect(aborted).toBe(true);
    expect(errors).toEqual([expect.objectContaining({ name: "PrematureEOFError" })]);
  });

  it("resets the connection when the application destroys the request mid-upload", async () => {
    const { port } = await serve((req) => {
      req.once("data", () => req.destroy());
    });
    const socket = await connect(port);
    socket.write(encodeRequest(environment("POST", "/"), payload(4 * 1024 * 1024)));
    const { error } = await readAll(socket);
    expect((error as NodeJS.ErrnoException | undefined)?.code).toMatch(/ECONNRESET|EPIPE/);
  });

  it("resets the connection when bytes written around node:http break the body's framing", async () => {
    const { port, errors } = await serve((_req, res) => {
      res.write("framed");
      setTimeout(() => res.socket?.write("not a chunk"), 20);
    });
    const socket = await connect(port);
    socket.write(encodeRequest(environment("GET", "/")));
    const { error } = await readAll(socket);
    expect((error as NodeJS.ErrnoException | undefined)?.code).toBe("ECONNRESET");
    expect(String(errors[0])).toMatch(/framing/);
  });

  it("drops bytes written around node:http after the last chunk, as it drops the trailers", async () => {
    const { port, errors } = await serve((_req, res) => {
      res.write("framed");
      res.end();
      res.socket?.write("not a chunk");
    });
    const response = await call(port, environment("GET", "/"));
    expect([response.status, text(response.body)]).toEqual([200, "framed"]);
    expect(errors).toEqual([]);
  });

  it("answers 500 when something other than node:http writes the head", async () => {
    const { port, errors } = await serve((req) => {
      req.socket.write(Buffer.from("garbage without an end"));
    });
    const response = await call(port, environment("GET", "/"));
    expect(response.status).toBe(500);
    expect(errors).toHaveLength(1);
  });

  it("aborts the request and closes the response when the client goes away first", async () => {
    const seen: string[] = [];
    let started = false;
    const { port } = await serve((req, res) => {
      started = true;
      req.on("aborted", () => seen.push("aborted"));
      res.on("close", () => seen.push(`response close ${res.writableFinished}`));
    });
    const socket = await connect(port);
    const head = new SCGIClientConnection().send(
      new RequestHeaders({ ...environment("POST", "/"), CONTENT_LENGTH: "1000" }),
    ) as Uint8Array;
    socket.write(head);
    for (let waited = 0; !started && waited < 2000; waited += 10) await sleep(10);
    socket.destroy();
    for (let waited = 0; seen.length < 2 && waited < 2000; waited += 10) await sleep(10);
    expect(seen.sort()).toEqual(["aborted", "response close false"]);
  });

  it("tells the response of an idle timeout it set, and resets the connection if nobody listens", async () => {
    let timeouts = 0;
    const { port } = await serve((req, res) => {
      if (req.url === "/listened") {
        res.setTimeout(50, () => {
          timeouts++;
          res.end("late");
        });
      } else {
        req.socket.setTimeout(50);
      }
    });
    const response = await call(port, environment("GET", "/listened"));
    expect([text(response.body), timeouts]).toEqual(["late", 1]);
    const socket = await connect(port);
    socket.write(encodeRequest(environment("GET", "/ignored")));
    const { error } = await readAll(socket);
    expect((error as NodeJS.ErrnoException | undefined)?.code).toBe("ECONNRESET");
  });

  it("disconnects a client that does not send the environment in time", async () => {
    const { port, errors } = await serve(vi.fn(), { headersTimeout: 50 });
    const socket = await connect(port);
    socket.write("100:");
    await readAll(socket);
    expect(errors).toEqual([expect.any(ClientTimeoutError)]);
    expect(errors[0]).toMatchObject({ message: "Timed out waiting for the request headers" });
  });

  /** Starts a server whose application reads the whole body; `aborted` resolves when its request is aborted. */
  async function serveReadingBody(options: ServerOptions) {
    let abort: () => void = () => {};
    const aborted = new Promise<string>((resolve) => {
      abort = () => resolve("aborted");
    });
    const started = await serve((req, res) => {
      req.on("aborted", abort);
      req.resume();
      req.on("end", () => res.end("x"));
    }, options);
    return { ...started, aborted };
  }

  /** `promise`, or `null` if it has not settled within five seconds: for what must not wait forever. */
  const bounded = <T>(promise: Promise<T>): Promise<T | null> => Promise.race([promise, sleep(5000).then(() => null)]);

  it("drops a client whose body stalls for idleTimeout, aborting the request", async () => {
    const { port, errors, aborted } = await serveReadingBody({ idleTimeout: 150 });
    const socket = await connect(port);
    const answer = readAll(socket);
    socket.write(encodeRequest(environment("POST", "/"), payload(10)).subarray(0, -5));
    const ended = await bounded(answer);
    expect(ended?.bytes.length).toBe(0);
    expect(errors).toEqual([expect.any(ClientTimeoutError)]);
    expect(errors[0]).toMatchObject({ message: "Timed out waiting for the client" });
    expect(await bounded(aborted)).toBe("aborted");
  });

  it("hands the connection back to idleTimeout when the application clears the idle timeout it set", async () => {
    const { port, errors } = await serve(
      (req) => {
        req.socket.setTimeout(60_000);
        req.socket.setTimeout(0);
        req.resume();
      },
      { idleTimeout: 150 },
    );
    const socket = await connect(port);
    const answer = readAll(socket);
    socket.write(encodeRequest(environment("POST", "/"), payload(10)).subarray(0, -5));
    expect(await bounded(answer)).not.toBeNull();
    expect(errors).toEqual([expect.any(ClientTimeoutError)]);
  });

  it("drops a client that does not send the whole request within requestTimeout, though it never idles", async () => {
    const { port, errors, aborted } = await serveReadingBody({ requestTimeout: 300, idleTimeout: 200 });
    const socket = await connect(port);
    const answer = readAll(socket);
    const whole = encodeRequest(environment("POST", "/"), payload(1000));
    socket.write(whole.subarray(0, whole.length - 1000));
    // One byte every 50 ms: never idle for idleTimeout, and never done.
    const trickle = setInterval(() => socket.writable && socket.write(Uint8Array.of(1)), 50);
    const ended = await bounded(answer);
    clearInterval(trickle);
    expect(ended?.bytes.length).toBe(0);
    expect(errors).toEqual([expect.objectContaining({ message: "Timed out waiting for the whole request" })]);
    expect(errors[0]).toBeInstanceOf(ClientTimeoutError);
    expect(await bounded(aborted)).toBe("aborted");
  });

  it("does not time out an application that takes its time, nor a body it does not read yet", async () => {
    const { port } = await serve(
      (req, res) => {
        setTimeout(() => {
          req.resume();
          req.on("end", () => res.end("slow but fine"));
        }, 300);
      },
      { idleTimeout: 100, bodyHighWaterMark: 1024 },
    );
    const response = await call(port, environment("POST", "/"), payload(256 * 1024));
    expect(text(response.body)).toBe("slow but fine");
  });

  it("after the answer, drops a client that sends more than drainLimit bytes of a body nobody reads", async () => {
    const { port } = await serve((_req, res) => res.end("no thanks"), { drainLimit: 256 << 10, drainTimeout: 60_000 });
    const { bytes, sent } = (await bounded(endlessUpload(port, new Uint8Array(64 << 10), 1))) ?? { sent: Infinity };
    expect(text(decodeResponse(bytes as Uint8Array).body)).toBe("no thanks");
    expect(sent).toBeLessThan(16 << 20);
  });

  it("after the answer, drops a client still sending a body nobody reads after drainTimeout", async () => {
    const { port } = await serve((_req, res) => res.end("no thanks"), { drainTimeout: 300, idleTimeout: 200 });
    const { bytes, sent } = (await bounded(endlessUpload(port, new Uint8Array(16), 20))) ?? { sent: Infinity };
    expect(text(decodeResponse(bytes as Uint8Array).body)).toBe("no thanks");
    expect(sent).toBeLessThan(16 * 200);
  });

  it("reports errors with console.error by default, and survives an onError that throws", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      for (const options of [
        {},
        {
          onError: () => {
            throw new Error("from onError");
          },
        },
      ]) {
        const server = createServer(options, vi.fn());
        servers.push(server);
        const port = await listen(server);
        expect(decodeResponse(await exchange(port, Buffer.from("x"))).status).toBe(400);
      }
      expect(logged).toHaveBeenCalledTimes(2);
    } finally {
      logged.mockRestore();
    }
  });
});

describe("the server", () => {
  it("is an http.Server made by createServer with or without options, serving on a Unix socket too", async () => {
    const listener: RequestListener = (_req, res) => res.end("unix");
    expect(createServer()).toBeInstanceOf(http.Server);
    expect(createServer(listener).listenerCount("request")).toBe(1);
    const server = createServer({ headersTimeout: 1000 }, listener);
    servers.push(server);
    const path = `/tmp/sioscgi-http-${process.pid}.sock`;
    server.listen(path);
    await once(server, "listening");
    const { createConnection } = await import("node:net");
    const socket = createConnection(path);
    const answer = readAll(socket);
    socket.end(encodeRequest(environment("GET", "/")));
    expect(text(decodeResponse((await answer).bytes).body)).toBe("unix");
  });

  it.each([
    ["headersTimeout", { headersTimeout: 0 }],
    ["requestTimeout", { requestTimeout: 2 ** 31 }],
    ["idleTimeout", { idleTimeout: Number.POSITIVE_INFINITY }],
    ["drainLimit", { drainLimit: -1 }],
    ["bodyHighWaterMark", { bodyHighWaterMark: Number.NaN }],
    ["rxBufferLimit", { rxBufferLimit: 0 }],
  ])("refuses an out-of-range %s", (_, options) => {
    expect(() => createServer(options as ServerOptions)).toThrow(RangeError);
  });

  it("closes every connection on closeAllConnections, and has no idle ones to close", async () => {
    const { port, server } = await serve(vi.fn());
    const socket = await connect(port);
    socket.write(encodeRequest(environment("GET", "/")));
    await sleep(50);
    server.closeIdleConnections();
    server.closeAllConnections();
    const { bytes } = await readAll(socket);
    expect(bytes.length).toBe(0);
  });

  it("finds no SCGI environment on a request another server made", () => {
    expect(scgiEnvironment(new http.IncomingMessage(null as never))).toBeUndefined();
  });
});
