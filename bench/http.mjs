/**
 * `node bench/http.mjs` (after `npm run build`): what serving a node:http application over
 * SCGI costs the application's process, per request, next to the alternatives.
 *
 * Each server runs in a child process of its own; this process is the client (a new
 * connection per request, as nginx's default `scgi_pass` and `proxy_pass` make, a few in
 * parallel). The child reports the CPU time it spent (user + system, `process.cpuUsage`)
 * over the measured requests, so the client's own work does not count. The figure is that
 * time divided by the requests: microseconds of server CPU per request, the least of
 * `ROUNDS` runs (3 by default; `REQUESTS` per run, 20,000 by default).
 *
 * Servers, all answering the same 6-byte body with the same two headers:
 * - `core`: the core alone on node:net (parse, one write, close): the floor;
 * - `http`: sioscgi/http with a bare `(req, res) => res.writeHead(...).end(...)` listener;
 * - `duplex`: the rejected design, an unlistened `http.Server` fed each SCGI request as a
 *   synthesized HTTP/1.1 request over an in-memory duplex; its response bytes are passed
 *   back untranslated, so its figure is a lower bound;
 * - `node`: node:http itself, over HTTP, the same listener;
 * - `express-http` and `express-node`: one Express 5 route, over sioscgi/http and over
 *   node:http.
 *
 * `node bench/http.mjs http node` measures only the servers named. NODE_CHILD_FLAGS passes
 * flags to the servers' processes (`--cpu-prof`, `--trace-gc`) to see where the time goes.
 */

import { fork } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import net from "node:net";
import { Duplex } from "node:stream";
import { createServer } from "../dist/http.js";
import { ResponseBody, ResponseEnd, ResponseHeaders, SCGIConnection } from "../dist/index.js";
import { nginxGet } from "./requests.mjs";

const BODY = "hello\n";
const HEADERS = { "content-type": "text/plain; charset=utf-8", "content-length": String(BODY.length) };
const REQUESTS = Number(process.env.REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const WARMUP = 2_000;
const PARALLEL = 4;
const HTTP_REQUEST = Buffer.from(
  "GET /items?id=42 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n" +
    "Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\nConnection: close\r\n\r\n",
  "latin1",
);

const listener = (_request, response) => response.writeHead(200, HEADERS).end(BODY);

/** The rejected design: SCGI parsed by the core, then re-encoded as HTTP for node:http to parse again. */
function duplexServer() {
  const inner = http.createServer(listener);
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    const conn = new SCGIConnection();
    const duplex = new Duplex({
      read() {},
      write(chunk, _encoding, callback) {
        socket.write(chunk);
        callback();
      },
      final(callback) {
        socket.end();
        callback();
      },
    });
    duplex.destroySoon = () => duplex.end();
    socket.on("data", (chunk) => {
      conn.receiveData(chunk);
      for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) {
        if (event.type !== "RequestHeaders") continue;
        const env = event.environment;
        const text = (value) => Buffer.from(value ?? []).toString("latin1");
        let head = `${text(env.get("REQUEST_METHOD"))} ${text(env.get("REQUEST_URI"))} HTTP/1.1\r\n`;
        for (const [name, value] of env) {
          if (name.startsWith("HTTP_")) head += `${name.slice(5).replaceAll("_", "-")}: ${text(value)}\r\n`;
        }
        inner.emit("connection", duplex);
        duplex.push(`${head}Content-Length: ${text(env.get("CONTENT_LENGTH"))}\r\nConnection: close\r\n\r\n`, "latin1");
      }
    });
    socket.on("error", () => {});
  });
}

function coreServer() {
  const head = new ResponseHeaders("200 OK", Object.entries(HEADERS));
  const body = new ResponseBody(Buffer.from(BODY));
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    const conn = new SCGIConnection();
    socket.on("data", (chunk) => {
      conn.receiveData(chunk);
      for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) {
        if (event.type !== "RequestEnd") continue;
        const bytes = Buffer.concat([conn.send(head), conn.send(body)]);
        conn.send(new ResponseEnd());
        socket.end(bytes);
      }
    });
    socket.on("error", () => {});
  });
}

async function expressApp() {
  const { default: express } = await import("express");
  return express().get("/items", (_request, response) => response.set(HEADERS).send(BODY));
}

const SERVERS = {
  core: async () => coreServer(),
  http: async () => createServer(listener),
  duplex: async () => duplexServer(),
  node: async () => http.createServer(listener),
  "express-http": async () => createServer(await expressApp()),
  "express-node": async () => http.createServer(await expressApp()),
};

/** In the child: serve, and report CPU time between the parent's "start" and "stop". */
async function child(kind) {
  const server = await SERVERS[kind]();
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
  let started;
  process.on("message", (message) => {
    if (message === "start") started = process.cpuUsage();
    if (message === "stop") {
      const used = process.cpuUsage(started);
      process.send({ microseconds: used.user + used.system });
      server.close(() => process.exit(0));
    }
  });
}

/** One request on a fresh connection; resolves when the server has closed it. */
async function request(port, bytes) {
  const socket = net.connect(port, "127.0.0.1");
  socket.end(bytes);
  socket.resume();
  await once(socket, "close");
}

async function measure(kind) {
  const worker = fork(new URL(import.meta.url), ["child", kind], {
    execArgv: process.env.NODE_CHILD_FLAGS ? process.env.NODE_CHILD_FLAGS.split(" ") : [],
  });
  const [{ port }] = await once(worker, "message");
  const bytes = kind === "node" || kind === "express-node" ? HTTP_REQUEST : nginxGet.scgi;
  const run = async (count) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next++ < count) await request(port, bytes);
      }),
    );
  };
  await run(WARMUP);
  worker.send("start");
  await run(REQUESTS);
  worker.send("stop");
  const [{ microseconds }] = await once(worker, "message");
  return microseconds / REQUESTS;
}

if (process.argv[2] === "child") {
  await child(process.argv[3]);
} else {
  const kinds = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(SERVERS);
  // The machine is shared: each server is measured ROUNDS times, in turns, and its least
  // cost is kept, the one least inflated by other processes.
  const results = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of kinds) results[kind] = Math.min(results[kind] ?? Infinity, await measure(kind));
  }
  for (const [kind, cost] of Object.entries(results)) {
    const ratio = results.core === undefined ? "" : `  ${(cost / results.core).toFixed(2)}x core`;
    console.log(`${kind.padEnd(14)} ${cost.toFixed(1).padStart(6)} µs of server CPU per request${ratio}`);
  }
}
