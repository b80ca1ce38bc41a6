/**
 * `sioscgi/deno`: an SCGI server for Deno in one call, serving a fetch-style handler.
 *
 * Strategy: `Deno.listen` accepts the connections and the runtime-neutral driver in
 * serve/ serves each, over a transport for Deno's connections; this file only wires them
 * together. Deno is reached through `globalThis`, with the few shapes used declared
 * below, so that the package's types need no Deno declarations.
 *
 * @module sioscgi/deno
 */

import type { Handler } from "./fetch/index.js";
import { type DenoConn, DenoTransport } from "./serve/deno-transport.js";
import { runServer, type SCGIServer, type ServeAddress, type ServeOptions } from "./serve/server.js";

export type { Handler, ResponseLike } from "./fetch/index.js";
export { ClientDisconnectedError, ClientTimeoutError } from "./serve/errors.js";
export type { ServerOptions } from "./serve/options.js";
export type { SCGIServer, ServeAddress, ServeOptions } from "./serve/server.js";
export type { GracefulServer, ShutdownReport } from "./serve/shutdown.js";

/** The part of `Deno.Listener` used here. */
interface DenoListener extends AsyncIterable<DenoConn> {
  readonly addr: { readonly hostname: string; readonly port: number } | { readonly path: string };
  close(): void;
}

/** The part of the `Deno` namespace used here. */
interface DenoNamespace {
  listen(
    options:
      | { readonly hostname: string; readonly port: number }
      | { readonly transport: "unix"; readonly path: string },
  ): DenoListener;
}

/**
 * Serves SCGI on Deno with a fetch-style handler, on a TCP port or a Unix socket: each
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
 * Needs `--allow-net` (and read/write access to a Unix socket's path).
 *
 * @param handler - Answers each request.
 * @param options - Where to listen, and the server's options; see {@link ServeOptions}.
 * @returns The running server: its address, `finished`, `close()`, and the `shutdown(timeout)`
 *   and `closeAllConnections()` of `sioscgi/node`'s servers, which end the connections still
 *   open (a streaming response, say) when waiting is over.
 * @throws `RangeError` if an option is out of range; `TypeError` if `path` is given with
 *   `hostname` or `port`, or if this is not Deno; whatever `Deno.listen` throws (an
 *   address in use, a missing permission).
 *
 * @example
 * <!-- typecheck: declare const Deno: { addSignalListener(signal: "SIGTERM", handler: () => void): void }; -->
 * ```ts
 * import { serve } from "sioscgi/deno";
 *
 * const server = serve((request) => new Response(`Hello from ${new URL(request.url).pathname}\n`), { port: 4000 });
 * Deno.addSignalListener("SIGTERM", () => void server.shutdown(10_000));
 * await server.finished;
 * ```
 */
export function serve(handler: Handler, options: ServeOptions = {}): SCGIServer {
  const deno = (globalThis as { Deno?: DenoNamespace }).Deno;
  if (deno === undefined) throw new TypeError("sioscgi/deno needs Deno: use sioscgi/node or sioscgi/bun");
  return runServer(handler, options, (where, accept) => {
    const listener = deno.listen("path" in where ? { transport: "unix", path: where.path } : where);
    void (async () => {
      try {
        for await (const conn of listener) accept((events) => new DenoTransport(conn, events));
      } catch {
        // The listener was closed while accepting: stopping is how the loop ends.
      }
    })();
    const { addr } = listener;
    const address: ServeAddress = "path" in addr ? { path: addr.path } : { hostname: addr.hostname, port: addr.port };
    return { address, stop: () => listener.close() };
  });
}
