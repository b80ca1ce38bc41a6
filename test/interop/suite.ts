/**
 * The interop cases, run the same way against each web server in front of this library's
 * Node server. What the servers legitimately do differently is passed in as quirks, and
 * the README's table of differences is written from them.
 */

import { createHash } from "node:crypto";
import { once } from "node:events";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { close } from "../support/net.js";
import { type Echo, streamDigest } from "./app.js";
import { type App, type Frontend, rawRequest, type StartFrontend, startApp } from "./harness.js";

/** What a web server does differently from the others. */
export interface Quirks {
  /** A chunked upload (no Content-Length): forwarded with the length it buffered, or refused. */
  readonly chunkedUpload: "forwarded" | 411;
  /** A local redirect (status null + Location): served in place, or passed on as a 302. */
  readonly localRedirect: "served" | 302;
  /** How two `Cookie` header lines reach the app. */
  readonly twoCookieLines: string;
  /**
   * A client that leaves mid-upload: the app's handler sees `request.signal` abort, or the
   * request never reaches the app because the server buffers whole bodies first.
   */
  readonly midUploadDisconnect: "aborted" | "never reaches the app";
  /**
   * A client that leaves while the handler works on a complete request: the server closes
   * its connection to the app, which sioscgi/node notices when it writes the answer (an
   * EOF after a complete request may be an SCGI client's half-close, so it cannot tell
   * before) and then aborts `request.signal`; or the server keeps the connection and reads
   * the whole answer, so the handler never hears of it.
   */
  readonly disconnectWhileHandlerWorks: "noticed at the answer" | "unnoticed";
  /**
   * A response body that fails mid-way (sioscgi/node resets the connection): the client's
   * read fails, or the server passes on the part it had as a whole response (it does not
   * tell a reset from the end).
   */
  readonly midBodyFailure: "a failed read" | "the part sent, as if whole";
}

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
const fromHex = (hex: string | null | undefined): string | null =>
  hex === null || hex === undefined ? null : Buffer.from(hex, "hex").toString("latin1");

/** Deterministic bytes for uploads. */
const payload = (size: number): Uint8Array => new Uint8Array(size).map((_, index) => (index * 13 + 5) % 256);

export function interopSuite(name: string, start: StartFrontend, quirks: Quirks): void {
  describe(`${name} in front of sioscgi/node`, () => {
    let app: App;
    let frontend: Frontend;

    beforeAll(async () => {
      app = await startApp();
      frontend = await start(app.port);
    });

    afterAll(async () => {
      await frontend?.stop();
      if (app !== undefined) await close(app.server);
    });

    const echo = async (path: string, init?: RequestInit): Promise<Echo> => {
      const response = await fetch(`${frontend.url}${path}`, init);
      expect(response.status).toBe(200);
      return (await response.json()) as Echo;
    };

    it("GET with a query string", async () => {
      const result = await echo("/echo?q=scgi&x=%20y");
      expect(result.method).toBe("GET");
      expect(new URL(result.url).pathname + new URL(result.url).search).toBe("/echo?q=scgi&x=%20y");
      expect(fromHex(result.variables.QUERY_STRING)).toBe("q=scgi&x=%20y");
    });

    it("HEAD: the headers, and no body", async () => {
      const response = await fetch(`${frontend.url}/echo`, { method: "HEAD" });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect((await response.arrayBuffer()).byteLength).toBe(0);
    });

    for (const size of [0, 1, 64 * 1024, 20 * 1024 * 1024]) {
      it(`POST with a body of ${size} bytes arrives whole and in order`, async () => {
        const body = payload(size);
        const result = await echo("/echo", { method: "POST", body: body as BodyInit });
        expect([result.method, result.length, result.sha256]).toEqual(["POST", size, sha256(body)]);
        expect(fromHex(result.variables.CONTENT_LENGTH)).toBe(String(size));
      });
    }

    it(`a chunked upload is ${quirks.chunkedUpload === "forwarded" ? "forwarded with its length" : "refused with 411"}`, async () => {
      const body = payload(100_000);
      // Slowly, so that a server streaming request bodies cannot have the whole body (and
      // so its length) before it must start passing it on.
      let offset = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (offset > 0) await sleep(30);
          controller.enqueue(body.slice(offset, offset + 10_000));
          offset += 10_000;
          if (offset >= body.length) controller.close();
        },
      });
      const response = await fetch(`${frontend.url}/echo`, {
        method: "POST",
        body: stream,
        duplex: "half",
      } as RequestInit);
      if (quirks.chunkedUpload === 411) {
        expect(response.status).toBe(411);
      } else {
        expect(response.status).toBe(200);
        const result = (await response.json()) as Echo;
        expect([result.length, result.sha256, fromHex(result.variables.CONTENT_LENGTH)]).toEqual([
          body.length,
          sha256(body),
          String(body.length),
        ]);
      }
    });

    it("header values with Latin-1 and UTF-8 bytes reach the app byte for byte", async () => {
      const value = Buffer.concat([Buffer.from("caf\xe9 ", "latin1"), Buffer.from("Zoë ☃", "utf8")]);
      const response = await rawRequest(
        frontend.port,
        `GET /echo HTTP/1.1\r\nHost: app.test\r\nX-Text: ${value.toString("latin1")}`,
      );
      expect(response.status).toBe(200);
      const result = JSON.parse(response.body.toString()) as Echo;
      expect(result.variables.HTTP_X_TEXT).toBe(value.toString("hex"));
    });

    it("a repeated request header reaches the app as one, joined in order", async () => {
      const response = await rawRequest(frontend.port, "GET /echo HTTP/1.1\r\nHost: app.test\r\nX-A: 1\r\nX-A: 2");
      expect(fromHex((JSON.parse(response.body.toString()) as Echo).variables.HTTP_X_A)).toBe("1, 2");
    });

    it("cookies: one line as sent, two lines as the server joins them", async () => {
      const one = await rawRequest(frontend.port, "GET /echo HTTP/1.1\r\nHost: app.test\r\nCookie: a=1; b=2");
      expect(fromHex((JSON.parse(one.body.toString()) as Echo).variables.HTTP_COOKIE)).toBe("a=1; b=2");
      const two = await rawRequest(frontend.port, "GET /echo HTTP/1.1\r\nHost: app.test\r\nCookie: a=1\r\nCookie: b=2");
      expect(fromHex((JSON.parse(two.body.toString()) as Echo).variables.HTTP_COOKIE)).toBe(quirks.twoCookieLines);
    });

    for (const status of [204, 304]) {
      it(`${status} has no body`, async () => {
        const response = await rawRequest(frontend.port, `GET /status?code=${status} HTTP/1.1\r\nHost: app.test`);
        expect(response.status).toBe(status);
        expect(response.body.length).toBe(0);
      });
    }

    it("301 with a document: status, Location and body", async () => {
      const response = await fetch(`${frontend.url}/moved`, { redirect: "manual" });
      expect(response.status).toBe(301);
      expect(response.headers.get("location")).toMatch(/\/echo\?from=moved$/);
      expect(await response.text()).toBe("moved\n");
    });

    it(`a local redirect is ${quirks.localRedirect === "served" ? "served in place" : "passed on as a 302"}`, async () => {
      const response = await fetch(`${frontend.url}/local-redirect`, { redirect: "manual" });
      if (quirks.localRedirect === "served") {
        expect(response.status).toBe(200);
        expect(new URL(((await response.json()) as Echo).url).search).toBe("?from=local-redirect");
      } else {
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toMatch(/\/echo\?from=local-redirect$/);
      }
    });

    it("a 50 MiB streamed response arrives whole", async () => {
      const size = 50 * 1024 * 1024;
      const response = await fetch(`${frontend.url}/stream?size=${size}`);
      expect(response.status).toBe(200);
      const hash = createHash("sha256");
      let received = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        received += chunk.length;
      }
      expect(received).toBe(size);
      expect(hash.digest("hex")).toBe(streamDigest(size));
    });

    it(`a response body that fails mid-way reaches the client as ${quirks.midBodyFailure}`, async () => {
      const response = await fetch(`${frontend.url}/fail-midway`);
      expect(response.status).toBe(200);
      if (quirks.midBodyFailure === "a failed read") await expect(response.arrayBuffer()).rejects.toThrow();
      else expect((await response.arrayBuffer()).byteLength).toBe(65536);
    });

    it("a handler that throws gives a 500", async () => {
      const response = await fetch(`${frontend.url}/throw`);
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain("on purpose");
    });

    it(`a client that disconnects mid-upload: ${quirks.midUploadDisconnect === "aborted" ? "the handler sees the abort" : "the app never sees it"}; the server stays up`, async () => {
      const before = app.state.aborted;
      const socket = net.connect(frontend.port, "127.0.0.1");
      await once(socket, "connect");
      socket.write("POST /watch-abort HTTP/1.1\r\nHost: app.test\r\nContent-Length: 10000000\r\n\r\n");
      socket.write(Buffer.alloc(200_000, 1));
      await sleep(300);
      socket.destroy();
      const expected = before + (quirks.midUploadDisconnect === "aborted" ? 1 : 0);
      for (let waited = 0; app.state.aborted !== expected && waited < 5000; waited += 50) await sleep(50);
      await sleep(200);
      expect(app.state.aborted).toBe(expected);
      expect((await fetch(`${frontend.url}/echo`)).status).toBe(200);
    });

    it(`a client that disconnects while the handler works: ${quirks.disconnectWhileHandlerWorks === "unnoticed" ? "the handler never hears of it" : "the abort comes when the answer is written"}`, async () => {
      const before = app.state.aborted;
      const socket = net.connect(frontend.port, "127.0.0.1");
      await once(socket, "connect");
      socket.write("GET /watch-abort?wait=2000 HTTP/1.1\r\nHost: app.test\r\n\r\n");
      await sleep(300);
      socket.destroy();
      // The handler answers 2 s after the request arrived and streams for about 0.4 s; an
      // abort has a few seconds more to show, and without one the case waits that long.
      const expected = before + (quirks.disconnectWhileHandlerWorks === "unnoticed" ? 0 : 1);
      const deadline = Date.now() + 4000;
      while (app.state.aborted === before && Date.now() < deadline) await sleep(50);
      expect(app.state.aborted).toBe(expected);
    });

    it("1,000 sequential and 200 concurrent requests, leaving no connection behind", async () => {
      for (let index = 0; index < 1000; index++) {
        const response = await fetch(`${frontend.url}/status?code=204`);
        expect(response.status).toBe(204);
      }
      const statuses = await Promise.all(
        Array.from({ length: 200 }, async (_, index) => {
          const response = await fetch(`${frontend.url}/echo?n=${index}`);
          await response.arrayBuffer();
          return response.status;
        }),
      );
      expect(statuses.every((status) => status === 200)).toBe(true);
      let open = -1;
      for (let waited = 0; open !== 0 && waited < 5000; waited += 50) {
        open = await new Promise<number>((resolve) => app.server.getConnections((_, count) => resolve(count)));
        if (open !== 0) await sleep(50);
      }
      expect(open).toBe(0);
    });

    it("reported no error but the ones provoked", () => {
      const unexpected = app.errors.filter(
        (error) =>
          !(error instanceof Error && /on purpose|disconnect|Premature|EOF/i.test(`${error.name} ${error.message}`)),
      );
      expect(unexpected.map(String)).toEqual([]);
    });
  });
}
