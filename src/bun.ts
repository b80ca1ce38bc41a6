/**
 * `sioscgi/bun`: an SCGI server for Bun in one call, serving a fetch-style handler.
 *
 * Strategy: `Bun.listen` accepts the connections and the runtime-neutral driver in serve/
 * serves each, over a transport for Bun's sockets; this file only wires them together.
 * Bun is reached through `globalThis`, with the few shapes used declared below, so that
 * the package's types need no Bun declarations.
 *
 * @module sioscgi/bun
 */

import type { Handler } from "./fetch/index.js";
import { type BunSocket, BunTransport } from "./serve/bun-transport.js";
import { runServer, type SCGIServer, type ServeAddress, type ServeOptions } from "./serve/server.js";

export type { Handler, ResponseLike } from "./fetch/index.js";
export { ClientDisconnectedError, ClientTimeoutError } from "./serve/errors.js";
export type { ServerOptions } from "./serve/options.js";
export type { SCGIServer, ServeAddress, ServeOptions } from "./serve/server.js";
export type { GracefulServer, ShutdownReport } from "./serve/shutdown.js";

/** A Bun socket with this server's per-connection data: its transport. */
type Socket = BunSocket & { data: BunTransport };

/** The part of the options of `Bun.listen` used here. */
type ListenOptions = ({ readonly hostname: string; readonly port: number } | { readonly unix: string }) & {
  readonly allowHalfOpen: boolean;
  readonly socket: {
    readonly binaryType: "uint8array";
    open(socket: Socket): void;
    data(socket: Socket, chunk: Uint8Array): void;
    end(socket: Socket): void;
    drain(socket: Socket): void;
    close(socket: Socket): void;
    error(socket: Socket, error: Error): void;
  };
};

/** The part of what `Bun.listen` returns used here. */
interface BunListener {
  readonly hostname?: string;
  readonly port?: number;
  stop(): void;
}

/** The part of the `Bun` namespace used here. */
interface BunNamespace {
  listen(options: ListenOptions): BunListener;
}

/**
 * Serves SCGI on Bun with a fetch-style handler, on a TCP port or a Unix socket: each
 * connection's request becomes a web `Request` (see `toRequest` in `sioscgi/fetch`), and
 * the `Response` the handler returns is streamed back.
 *
 * It behaves as `createServer` in `sioscgi/node` does: the request body streams with
 * backpressure and is read to its end even when the handler ignores it; the response is
 * written with backpressure; `request.signal` is aborted when the client disconnects
 * early or breaks the protocol; a malformed request is answered with the status its error
 * suggests (400, 413 or 431) unless the response has begun; a client too slow is
 * disconnected; a handler that throws gets the client a 500 that says nothing of the
 * error; HEAD responses are sent without their body.
 *
 * @param handler - Answers each request.
 * @param options - Where to listen, and the server's options; see {@link ServeOptions}.
 * @returns The running server: its address, `finished`, `close()`, and the `shutdown(timeout)`
 *   and `closeAllConnections()` of `sioscgi/node`'s servers, which end the connections still
 *   open (a streaming response, say) when waiting is over.
 * @throws `RangeError` if an option is out of range; `TypeError` if `path` is given with
 *   `hostname` or `port`, or if this is not Bun; whatever `Bun.listen` throws (an address
 *   in use).
 *
 * @example
 * ```ts
 * import { serve } from "sioscgi/bun";
 *
 * const server = serve((request) => new Response(`Hello from ${new URL(request.url).pathname}\n`), { port: 4000 });
 * process.on("SIGTERM", () => void server.shutdown(10_000));
 * await server.finished;
 * ```
 */
export function serve(handler: Handler, options: ServeOptions = {}): SCGIServer {
  const bun = (globalThis as { Bun?: BunNamespace }).Bun;
  if (bun === undefined) throw new TypeError("sioscgi/bun needs Bun: use sioscgi/node or sioscgi/deno");
  return runServer(handler, options, (where, accept) => {
    const listener = bun.listen({
      ...("path" in where ? { unix: where.path } : where),
      // The request ends with the web server's half-close; the response follows it.
      allowHalfOpen: true,
      socket: {
        binaryType: "uint8array",
        open: (socket) =>
          accept((events) => {
            socket.data = new BunTransport(socket, events);
            return socket.data;
          }),
        data: (socket, chunk) => socket.data.onData(chunk),
        end: (socket) => socket.data.onEnd(),
        drain: (socket) => socket.data.onDrain(),
        close: (socket) => socket.data.onClose(),
        // An error is followed by "close", which does the cleaning up.
        error: () => {},
      },
    });
    const address: ServeAddress =
      "path" in where ? where : { hostname: listener.hostname ?? where.hostname, port: listener.port ?? where.port };
    return { address, stop: () => listener.stop() };
  });
}
