/**
 * What `sioscgi/deno` and `sioscgi/bun` share around their listeners: the options, the
 * server object they return, and the connections that `close` waits for and `shutdown`
 * ends.
 *
 * Strategy: the server presents the `net.Server` shape that `withShutdown` (ops/) equips,
 * a `connection` event and a `close` with a callback, so that `shutdown` and
 * `closeAllConnections` are the very ones `sioscgi/node` has, ending a connection with its
 * transport's `reset`.
 *
 * @module
 */

import type { Handler } from "../fetch/index.js";
import { serveConnection } from "./exchange.js";
import { type ServerOptions, serverSettings } from "./options.js";
import { type GracefulServer, type ShutdownConnection, withShutdown } from "./shutdown.js";
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
 * // On SIGTERM: stop accepting, let the requests in flight finish for up to 10 s, then
 * // end the rest with an error the web server sees.
 * const { ended } = await server.shutdown(10_000);
 * console.log(`stopped; ${ended} connections cut short`);
 * ```
 */
export interface SCGIServer extends GracefulServer {
  /** Where the server listens (with the port picked when `port` was `0`). */
  readonly address: ServeAddress;
  /** Settles once the server was closed and every connection has finished. */
  readonly finished: Promise<void>;
  /**
   * Stops accepting connections and lets those open finish (each is bounded by the
   * server's timeouts, but a handler may stream for ever: {@link shutdown} bounds the
   * wait). Calling it again does no more.
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
  let listening: Listening | undefined;
  const close = (): Promise<void> => {
    if (!stopped) {
      stopped = true;
      listening?.stop();
      if (open === 0) finish();
    }
    return finished;
  };
  // Told of each connection, as a net.Server's "connection" listeners are.
  let connected = (_connection: ShutdownConnection): void => {};
  const graceful = withShutdown({
    on: (_event, listener) => {
      connected = listener;
    },
    close: (callback) => void close().then(() => callback?.()),
  });
  listening = listen(where, (openTransport) => {
    open++;
    serveConnection(
      (events) => {
        let onClose = (): void => {};
        const transport = openTransport({
          receive: (chunk) => events.receive(chunk),
          drained: () => events.drained(),
          timedOut: () => events.timedOut(),
          closed: () => {
            events.closed();
            onClose();
            open--;
            if (stopped && open === 0) finish();
          },
        });
        connected({
          once: (_event, listener) => {
            onClose = listener;
          },
          // The transport knows how its runtime makes the peer see an error.
          resetAndDestroy: () => transport.reset(),
          destroy: () => transport.destroy(),
        });
        return transport;
      },
      handler,
      settings,
    );
  });
  return {
    address: listening.address,
    finished,
    close,
    shutdown: graceful.shutdown,
    closeAllConnections: graceful.closeAllConnections,
  };
}
