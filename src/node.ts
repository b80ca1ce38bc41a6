/**
 * `sioscgi/node`: an SCGI server for Node in one call, serving a fetch-style handler.
 *
 * Strategy: a `net.Server` whose connections are each served by the runtime-neutral
 * driver in serve/ over a Node socket; this file only wires the two together.
 *
 * @module sioscgi/node
 */

import * as net from "node:net";
import type { Handler } from "./fetch/index.js";
import { serveConnection } from "./serve/exchange.js";
import { nodeTransport } from "./serve/node-transport.js";
import { type ServerOptions, serverSettings } from "./serve/options.js";

// scgiRequest, its options and its errors: the client call, beside the server.
export * from "./call/node-socket.js";

// Defined beside the translations, so that `sioscgi/testing` can take the same handlers
// without importing anything of Node's.
export type { Handler, ResponseLike } from "./fetch/index.js";
export { ClientDisconnectedError, ClientTimeoutError } from "./serve/errors.js";
export type { ServerOptions } from "./serve/options.js";

import { type GracefulServer, withShutdown } from "./serve/shutdown.js";

// Graceful shutdown for this server, or any net.Server: what the sioscgi command uses.
export {
  type GracefulServer,
  type ShutdownConnection,
  type ShutdownReport,
  type ShutdownServer,
  withShutdown,
} from "./serve/shutdown.js";

/**
 * Creates a `net.Server` that serves SCGI with a fetch-style handler: each connection's
 * request becomes a web `Request` (see `toRequest` in `sioscgi/fetch`), and the
 * `Response` the handler returns is streamed back. Listen on a TCP port or a Unix socket
 * as with any `net.Server`; `server.close()` stops accepting and lets requests in flight
 * finish, and `server.shutdown(timeout)` (see {@link GracefulServer}) also ends, with an
 * error the web server sees, those still open when the timeout passes.
 *
 * The request body streams with backpressure, and is read to its end even when the
 * handler ignores it. `request.signal` is aborted when the client disconnects early or
 * breaks the protocol (while the socket is paused because the handler is not reading the
 * body, a disconnect is seen once it reads on or answers). A malformed request is
 * answered with the status its error suggests (400, or 413/431 for a limit; see
 * `RemoteProtocolError.httpStatus`) and the error's message, unless the response has
 * begun, in which case the connection is closed. A client too slow (see `headersTimeout`
 * and `idleTimeout`) is disconnected without an answer: it is not listening, or the web
 * server in front has given up on it already. A client that has its whole answer but does
 * not close is dropped after `idleTimeout`. A handler that throws, or rejects, gets the
 * client a 500 that says nothing of the error; a response body that fails mid-way resets
 * the connection, so that the web server does not take it for a whole response. HEAD
 * responses are sent without their body. The handler may answer with any
 * {@link ResponseLike}, and its body stream may yield strings and any kind of bytes.
 *
 * @param handler - Answers each request.
 * @param options - See {@link ServerOptions}.
 * @throws `RangeError` if an option is out of range.
 *
 * @example
 * ```ts
 * import { createServer } from "sioscgi/node";
 *
 * createServer((request) => new Response(`Hello from ${new URL(request.url).pathname}\n`))
 *   .listen(4000, "127.0.0.1");
 * ```
 */
export function createServer(handler: Handler, options: ServerOptions = {}): net.Server & GracefulServer {
  const settings = serverSettings(options);
  return withShutdown(
    net.createServer({ allowHalfOpen: true }, (socket) => {
      serveConnection(nodeTransport(socket), handler, settings);
    }),
  );
}
