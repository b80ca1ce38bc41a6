/**
 * node:http frameworks (Express 5, Koa, Fastify) served by sioscgi/http behind the real
 * nginx, Apache and lighttpd: JSON both ways, a 20 MiB upload, a streamed response, two
 * cookies, a redirect, a 500 from a throwing route, and a response that fails mid-body,
 * which each web server must pass on as a failure, never as a complete response.
 */

import { createHash } from "node:crypto";
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { close, listen } from "../support/net.js";
import { streamDigest } from "./app.js";
import { FRAMEWORKS } from "./frameworks.js";
import { startApache } from "./frontends/apache.js";
import { startLighttpd } from "./frontends/lighttpd.js";
import { startNginx } from "./frontends/nginx.js";
import type { Frontend, StartFrontend } from "./harness.js";

/**
 * The web servers, as configured for serving applications that stream: lighttpd streams
 * responses only with `server.stream-response-body`, and without it passes a response cut
 * short on as complete (see startLighttpd).
 */
const FRONTENDS: Record<string, StartFrontend> = {
  nginx: startNginx,
  Apache: startApache,
  "lighttpd (stream-response-body = 2)": (appPort) => startLighttpd(appPort, 0, 2),
};

const payload = (size: number): Uint8Array => new Uint8Array(size).map((_, index) => (index * 13 + 5) % 256);
const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

for (const [frontendName, startFrontend] of Object.entries(FRONTENDS)) {
  for (const [framework, makeServer] of Object.entries(FRAMEWORKS)) {
    describe(`${framework} on sioscgi/http behind ${frontendName}`, () => {
      let server: http.Server;
      let frontend: Frontend;
      const errors: unknown[] = [];

      beforeAll(async () => {
        server = await makeServer((error) => errors.push(error));
        frontend = await startFrontend(await listen(server));
      });

      afterAll(async () => {
        await frontend?.stop();
        if (server !== undefined) await close(server);
      });

      const get = (path: string, init?: RequestInit): Promise<Response> => fetch(`${frontend.url}${path}`, init);

      it("answers JSON with the client's address, and reads a JSON body", async () => {
        const response = await get("/json?q=scgi");
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toMatch(/^application\/json/);
        expect(await response.json()).toEqual({ framework: expect.any(String), ip: "127.0.0.1", q: "scgi" });
        const posted = await get("/json", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ a: [1, "é"] }),
        });
        expect(posted.status).toBe(201);
        expect(await posted.json()).toEqual({ received: { a: [1, "é"] } });
      });

      it("receives a 20 MiB upload whole", async () => {
        const body = payload(20 * 1024 * 1024);
        const response = await get("/upload", {
          method: "POST",
          headers: { "Content-Type": "application/octet-stream" },
          body: body as BodyInit,
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ length: body.length, sha256: sha256(body) });
      });

      it("streams a 4 MiB response whole", async () => {
        const size = 4 * 1024 * 1024;
        const response = await get(`/stream?size=${size}`);
        expect(response.status).toBe(200);
        const body = new Uint8Array(await response.arrayBuffer());
        expect([body.length, sha256(body)]).toEqual([size, streamDigest(size)]);
      });

      it("sets two cookies and reads the one sent", async () => {
        const response = await get("/cookies", { headers: { Cookie: "session=abc" } });
        expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/; HttpOnly"]);
        expect(await response.json()).toEqual({ cookie: "session=abc" });
      });

      it("redirects", async () => {
        const response = await get("/redirect", { redirect: "manual" });
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toMatch(/\/json\?q=redirected$/);
        const followed = await get("/redirect");
        expect((await followed.json()).q).toBe("redirected");
      });

      it("answers 500 for a route that throws", async () => {
        const response = await get("/throw");
        expect(response.status).toBe(500);
        await response.arrayBuffer();
      });

      it("passes a response that fails mid-body on as a failure, never as complete", async () => {
        const response = await get("/fail");
        expect(response.status).toBe(200);
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        expect((await reader.read()).done).toBe(false);
        await expect(
          (async () => {
            while (!(await reader.read()).done);
          })(),
        ).rejects.toThrow();
      });

      it("reported no error it handled itself", () => {
        expect(errors.map(String)).toEqual([]);
      });
    });
  }
}
