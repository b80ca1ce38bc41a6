/**
 * What `sioscgi/deno` and `sioscgi/bun` share around their listeners: the options, the
 * server object they return, and the count of connections that `close` waits for.
 *
 * @module
 */

import type { Handler } from "../fetch/index.js";
import { serveConnection } from "./exchange.js";
import { type ServerOptions, serverSettings } from "./options.js";
import type { OpenTransport } from "./transport.js";

/**
 * Options of `serve` in `sioscgi/deno` and `sioscgi/bun`: where to listen, and the
 * server's options.
 *
 * @example
 * <!-- typecheck: declare const app: import("sioscgi/fetch").Handler; -->
 * ```ts
 * import { serve } from "sioscgi/deno"; // or "sioscgi/bun"
 *
 * serve(app, { path: "/run/app/scgi.sock", idleTimeout: 30_000 });
 * serve(app, { hostname: "127.0.0.1", port: 4000 });
 * ```
 */
export interface ServeOptions extends ServerOptions {
  /**
   * The address to listen on, for TCP.
   *
   * @defaultValue `"127.0.0.1"`: the web server in front is usually on the same machine
   */
  readonly hostname?: string;
  /**
   * The TCP port to listen on; `0` picks a free one (see {@link SCGIServer.address}).
   *
   * @defaultValue 0
   */
  readonly port?: number;
  /** A Unix socket to listen on instead of TCP; `hostname` and `port` must then be left out. */
  readonly path?: string;
}

/** Where a server listens: a TCP address, or a Unix socket's path. */
export type ServeAddress = { readonly hostname: string; readonly port: number } | { readonly path: string };

/**
 * A running server, as `serve` in `sioscgi/deno` and `sioscgi/bun` returns it.
 *
 * @example
 * <!-- typecheck: import { serve } from "sioscgi/deno"; declare const app: import("sioscgi/fetch").Handler; -->
 * ```ts
 * const server = serve(app, { port: 0 });
 * console.log("listening on", server.address);
 * // On SIGTERM: stop accepting, let the requests in flight finish.
 * await server.close();
 * ```
 */
export interface SCGIServer {
  /** Where the server listens (with the port picked when `port` was `0`). */
  readonly address: ServeAddress;
  /** Settles once the server was closed and every connection has finished. */
  readonly finished: Promise<void>;
  /**
   * Stops accepting connections and lets those open finish (each is bounded by the
   * timeouts). Calling it again does no more.
   *
   * @returns {@link finished}.
   */
  close(): Promise<void>;
}

/**
 * A listener as the runtime's entry point opens it.
 *
 * @internal
 */
export interface Listening {
  readonly address: ServeAddress;
  /** Stops accepting connections (open ones go on). */
  stop(): void;
}

/**
 * Runs a server: checks the options, has `listen` open the runtime's listener, serves each
 * connection it accepts with the driver, and keeps count for `close`.
 *
 * @param listen - Opens the listener where the options say, and hands every accepted
 *   connection's transport to `accept`.
 * @throws `RangeError` if an option is out of range; `TypeError` if `path` is given with
 *   `hostname` or `port`.
 * @internal
 */
export function runServer(
  handler: Handler,
  options: ServeOptions,
  listen: (where: ServeAddress, accept: (open: OpenTransport) => void) => Listening,
): SCGIServer {
  const { hostname, port, path, ...serverOptions } = options;
  const settings = serverSettings(serverOptions);
  if (path !== undefined && (hostname !== undefined || port !== undefined)) {
    throw new TypeError("Give either path (a Unix socket) or hostname and port (TCP), not both");
  }
  const where: ServeAddress = path !== undefined ? { path } : { hostname: hostname ?? "127.0.0.1", port: port ?? 0 };
  let open = 0;
  let stopped = false;
  let finish = (): void => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const listening = listen(where, (openTransport) => {
    open++;
    serveConnection(
      (events) =>
        openTransport({
          receive: (chunk) => events.receive(chunk),
          drained: () => events.drained(),
          timedOut: () => events.timedOut(),
          closed: () => {
            events.closed();
            open--;
            if (stopped && open === 0) finish();
          },
        }),
      handler,
      settings,
    );
  });
  return {
    address: listening.address,
    finished,
    close() {
      if (!stopped) {
        stopped = true;
        listening.stop();
        if (open === 0) finish();
      }
      return finished;
    },
  };
}
