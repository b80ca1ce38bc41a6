/**
 * The applications `npm run bench:e2e` puts behind nginx, one per process:
 *
 *   node bench/e2e-app.mjs scgi   # sioscgi's createServer (sioscgi/node), over SCGI
 *   node bench/e2e-app.mjs core   # sioscgi's SCGIConnection on node:net, no fetch bridge, over SCGI
 *   node bench/e2e-app.mjs http   # node:http, for nginx's proxy_pass
 *   node bench/e2e-app.mjs express-scgi  # an Express 5 app on sioscgi/http, over SCGI
 *   node bench/e2e-app.mjs express-http  # the same Express app on node:http, for proxy_pass
 *
 * Each listens on an ephemeral loopback port, or on the Unix socket given as a second
 * argument, prints `listening <port or path>` and serves until
 * SIGTERM (exiting normally, so that `--cpu-prof` writes its profile). It ignores SIGINT:
 * Ctrl-C reaches the whole process group, and bench/e2e.mjs stops the applications itself
 * once nginx is gone, so that no request in flight meets a closed application.
 *
 * What "the same handler" means here: both answer every request with the same fixed body
 * and the same two headers, and neither reads the request. Each is written the way a user
 * of that server writes it: a fetch handler (`Request` in, `Response` out) for
 * createServer, which only serves fetch handlers, and `res.writeHead` + `res.end` for
 * node:http. So the SCGI side pays for building a `Request` and reading a `Response`, and
 * node:http for its `IncomingMessage` and `ServerResponse`: each server's own cost of
 * handing a request to an application, which is what a user picking one of them gets. The
 * body is fixed rather than echoing the path, so that no work of the handler's own (URL
 * parsing differs between the two APIs) blurs the comparison of the transports.
 * `content-length` is set on both, so nginx sends wrk the same response either way
 * (without it, nginx would send the SCGI response chunked and the proxied one not).
 *
 * `core` is not a contender but a measuring stick: the least a Node SCGI server can do
 * with this library (parse with the core, answer with one write, close), so that the
 * difference between it and `scgi` is what createServer's fetch bridge costs, and the
 * difference between it and the HTTP paths is what the protocol costs.
 */

import { chmodSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { createServer as createHTTPServer } from "../dist/http.js";
import { ResponseBody, ResponseEnd, ResponseHeaders, SCGIConnection } from "../dist/index.js";
import { createServer } from "../dist/node.js";

export const BODY = "hello\n";
export const CONTENT_TYPE = "text/plain; charset=utf-8";
const HEADERS = { "content-type": CONTENT_TYPE, "content-length": String(Buffer.byteLength(BODY)) };

/** The fetch handler createServer serves. */
export function fetchHandler() {
  return new Response(BODY, { headers: HEADERS });
}

/** The node:http equivalent. */
export function httpHandler(_request, response) {
  response.writeHead(200, HEADERS).end(BODY);
}

/** The Express app, one route answering what the other handlers answer. */
async function expressApp() {
  const { default: express } = await import("express");
  return express().get("/", (_request, response) => response.set(HEADERS).send(BODY));
}

/** The core alone: the response as soon as the request is complete, in one write with the FIN. */
function coreServer() {
  const head = new ResponseHeaders("200 OK", Object.entries(HEADERS));
  const body = new ResponseBody(Buffer.from(BODY));
  const end = new ResponseEnd();
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    const conn = new SCGIConnection();
    const receive = (chunk) => {
      try {
        conn.receiveData(chunk);
        for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) {
          if (event.type !== "RequestEnd") continue;
          const bytes = Buffer.concat([conn.send(head), conn.send(body)]);
          conn.send(end);
          socket.end(bytes);
        }
      } catch {
        socket.destroy(); // a malformed request: nginx never sends one here
      }
    };
    socket.on("data", receive);
    socket.on("end", () => {
      if (!socket.writableEnded) receive(new Uint8Array(0));
    });
    socket.on("error", () => {});
  });
}

async function listen(kind) {
  if (kind === "scgi") return createServer(fetchHandler);
  if (kind === "express-scgi") return createHTTPServer(await expressApp());
  if (kind === "express-http") return withKeepAlive(http.createServer(await expressApp()));
  if (kind === "core") return coreServer();
  if (kind === "http") return withKeepAlive(http.createServer(httpHandler));
  throw new Error(`unknown application ${kind}: scgi, core, http, express-scgi or express-http`);
}

/**
 * nginx keeps idle upstream connections for 60 s, node:http for 5 s by default: an idle
 * connection node closes just as nginx reuses it costs a 502. The usual advice behind a
 * proxy is a keep-alive timeout longer than the proxy's.
 */
function withKeepAlive(server) {
  server.keepAliveTimeout = 65_000;
  return server;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const server = await listen(process.argv[2]);
  const path = process.argv[3];
  if (path === undefined) server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
  else
    server.listen(path, () => {
      chmodSync(path, 0o777); // nginx's workers may run as another user
      console.log(`listening ${path}`);
    });
  const stop = () => {
    server.closeAllConnections?.();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", () => {});
}
