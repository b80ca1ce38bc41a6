/**
 * The same small application written for Express 5, Koa and Fastify, each as its users
 * write it, to be served by sioscgi/http behind the real web servers. Routes:
 *
 * - `GET /json?q=` answers `{ framework, ip, q }`; `POST /json` echoes the parsed body with 201;
 * - `POST /upload` answers the length and SHA-256 of the raw body;
 * - `GET /stream?size=` streams `size` bytes of {@link streamByte} in 64 KiB pieces;
 * - `GET /cookies` sets two cookies and answers the `Cookie` header it received;
 * - `GET /redirect` redirects (302) to `/json?q=redirected`;
 * - `GET /throw` throws, which the framework turns into a 500;
 * - `GET /fail` streams a body that fails 200 ms after its first 64 KiB.
 */

import { createHash } from "node:crypto";
import type http from "node:http";
import { Readable } from "node:stream";
import express from "express";
import Fastify from "fastify";
import Koa from "koa";
import { createServer } from "../../src/http.js";
import { streamByte } from "./app.js";

/** The length and SHA-256 of everything `stream` yields. */
export async function digest(stream: AsyncIterable<Uint8Array>): Promise<{ length: number; sha256: string }> {
  const hash = createHash("sha256");
  let length = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    length += chunk.length;
  }
  return { length, sha256: hash.digest("hex") };
}

/** `size` bytes of {@link streamByte}, in 64 KiB pieces produced as they are read; optionally failing after the first. */
function streamed(size: number, fail = false): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (fail && offset > 0) {
        // Later, so that the web server has passed the start of the body on to the client.
        setTimeout(() => this.destroy(new Error("failed mid-body on purpose")), 200);
        return;
      }
      const length = Math.min(65536, size - offset);
      if (length <= 0) {
        this.push(null);
        return;
      }
      const piece = Buffer.alloc(length);
      for (let index = 0; index < length; index++) piece[index] = streamByte(offset + index);
      offset += length;
      this.push(piece);
    },
  });
}

const FAIL_SIZE = 1024 * 1024;
const COOKIES = ["a=1; Path=/", "b=2; Path=/; HttpOnly"];

function expressApp(): http.RequestListener {
  const app = express();
  app.use(express.json());
  app.get("/json", (req, res) => {
    res.json({ framework: "express", ip: req.ip, q: req.query.q });
  });
  app.post("/json", (req, res) => {
    res.status(201).json({ received: req.body });
  });
  app.post("/upload", async (req, res) => {
    res.json(await digest(req));
  });
  app.get("/stream", (req, res) => {
    res.type("application/octet-stream");
    streamed(Number(req.query.size)).pipe(res);
  });
  app.get("/cookies", (req, res) => {
    res.append("Set-Cookie", COOKIES);
    res.json({ cookie: req.headers.cookie });
  });
  app.get("/redirect", (_req, res) => {
    res.redirect("/json?q=redirected");
  });
  app.get("/throw", () => {
    throw new Error("thrown on purpose");
  });
  app.get("/fail", (_req, res) => {
    const body = streamed(FAIL_SIZE, true);
    // What a node:http application does when its source fails mid-way: destroy the response.
    body.on("error", (error) => res.destroy(error));
    body.pipe(res);
  });
  return app as unknown as http.RequestListener;
}

function koaApp(): http.RequestListener {
  const app = new Koa();
  // Koa reports errors it answered with a 500 on the app; the thrown route is provoked.
  app.silent = true;
  app.use(async (ctx) => {
    const route = `${ctx.method} ${ctx.path}`;
    if (route === "GET /json") ctx.body = { framework: "koa", ip: ctx.ip, q: ctx.query.q };
    else if (route === "POST /json") {
      ctx.status = 201;
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      ctx.body = { received: JSON.parse(Buffer.concat(chunks).toString()) };
    } else if (route === "POST /upload") ctx.body = await digest(ctx.req);
    else if (route === "GET /stream") {
      ctx.type = "application/octet-stream";
      ctx.body = streamed(Number(ctx.query.size));
    } else if (route === "GET /cookies") {
      ctx.set("Set-Cookie", COOKIES);
      ctx.body = { cookie: ctx.get("Cookie") };
    } else if (route === "GET /redirect") ctx.redirect("/json?q=redirected");
    else if (route === "GET /throw") throw new Error("thrown on purpose");
    else if (route === "GET /fail") {
      const body = streamed(FAIL_SIZE, true);
      body.on("error", (error) => ctx.res.destroy(error));
      ctx.body = body;
    }
  });
  return app.callback();
}

async function fastifyApp(): Promise<http.Server> {
  let server: http.Server | undefined;
  const app = Fastify({
    bodyLimit: 32 * 1024 * 1024,
    serverFactory: (handler) => {
      server = createServer(handler);
      return server;
    },
  });
  app.addContentTypeParser("application/octet-stream", (_request, payload, done) => {
    digest(payload).then((result) => done(null, result), done);
  });
  app.get<{ Querystring: { q?: string } }>("/json", async (request) => ({
    framework: "fastify",
    ip: request.ip,
    q: request.query.q,
  }));
  app.post("/json", async (request, reply) => reply.code(201).send({ received: request.body }));
  app.post("/upload", async (request) => request.body);
  app.get<{ Querystring: { size: string } }>("/stream", async (request, reply) =>
    reply.type("application/octet-stream").send(streamed(Number(request.query.size))),
  );
  app.get("/cookies", async (request, reply) =>
    reply.header("set-cookie", COOKIES).send({ cookie: request.headers.cookie }),
  );
  app.get("/redirect", async (_request, reply) => reply.redirect("/json?q=redirected"));
  app.get("/throw", async () => {
    throw new Error("thrown on purpose");
  });
  app.get("/fail", async (_request, reply) => reply.send(streamed(FAIL_SIZE, true)));
  await app.ready();
  return server as http.Server;
}

/** The frameworks, each made into a sioscgi/http server whose handled errors go to `onError`. */
export const FRAMEWORKS: Record<string, (onError: (error: unknown) => void) => Promise<http.Server>> = {
  "Express 5": async (onError) => createServer({ onError }, expressApp()),
  Koa: async (onError) => createServer({ onError }, koaApp()),
  // Fastify makes the server itself, through serverFactory, with the factory's defaults.
  Fastify: async () => fastifyApp(),
};
