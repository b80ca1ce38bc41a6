/**
 * The options every server entry point takes, checked once when the server is made.
 *
 * @module
 */

import { SCGIConnection, type SCGIConnectionOptions } from "../server/connection.js";

/**
 * Options of the servers (`createServer` in `sioscgi/node`, `serve` in `sioscgi/deno` and
 * `sioscgi/bun`): the core's limits and policies, plus the server's own.
 *
 * @example
 * <!-- typecheck: declare const app: import("sioscgi/fetch").Handler; -->
 * ```ts
 * import { createServer, type ServerOptions } from "sioscgi/node";
 *
 * const options: ServerOptions = {
 *   headersTimeout: 10_000, // a web server sends the environment at once
 *   idleTimeout: 30_000,
 *   rxBufferLimit: 16_384,
 *   onError: (error) => console.warn("scgi:", error),
 * };
 * createServer(app, options).listen("/run/app.sock");
 * ```
 */
export interface ServerOptions extends SCGIConnectionOptions {
  /**
   * Milliseconds a client has, from connecting, to send the whole environment. A client
   * that takes longer is disconnected without an answer.
   *
   * @defaultValue 60000
   */
  readonly headersTimeout?: number;
  /**
   * Milliseconds the server waits for the client while it needs it: for the next body
   * bytes (unless the handler is not reading), or for the client to take response bytes.
   * A client idle that long is disconnected without an answer. The handler's own time is
   * not limited.
   *
   * @defaultValue 60000
   */
  readonly idleTimeout?: number;
  /**
   * Bytes of request body queued for the handler before the server stops reading from
   * the client until the handler reads on.
   *
   * @defaultValue 65536
   */
  readonly bodyHighWaterMark?: number;
  /**
   * Called with each error the server handles by itself: a handler that threw or returned
   * something other than a `Response` (the client gets a 500), a malformed request (the
   * client gets the error's `httpStatus`), a timeout, a response body that failed mid-way
   * (the connection is closed). Whatever it throws is logged with `console.error`.
   *
   * @defaultValue logs with `console.error`
   */
  readonly onError?: (error: unknown) => void;
}

/**
 * A server's options, checked and with defaults applied.
 *
 * @internal
 */
export interface ServerSettings {
  readonly connection: SCGIConnectionOptions;
  readonly headersTimeout: number;
  readonly idleTimeout: number;
  readonly bodyHighWaterMark: number;
  /** `onError` made safe: it never throws. */
  readonly onError: (error: unknown) => void;
}

/** A positive finite number of milliseconds or bytes, or the default. */
function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a positive number, not ${String(value)}`);
  }
  return value;
}

/**
 * Checks the core's options now, so that a mistake fails the call that made the server
 * rather than each connection. The connection owns the rules (and their messages), so it
 * is asked: a connection that is never fed anything has no other effect.
 */
function checkConnectionOptions(options: SCGIConnectionOptions): SCGIConnectionOptions {
  new SCGIConnection(options);
  return options;
}

/**
 * Checks a server's options and applies the defaults.
 *
 * @throws `RangeError` if an option is out of range.
 * @internal
 */
export function serverSettings(options: ServerOptions): ServerSettings {
  const { headersTimeout, idleTimeout, bodyHighWaterMark, onError, ...connection } = options;
  return {
    connection: checkConnectionOptions(connection),
    headersTimeout: positive("headersTimeout", headersTimeout, 60_000),
    idleTimeout: positive("idleTimeout", idleTimeout, 60_000),
    bodyHighWaterMark: positive("bodyHighWaterMark", bodyHighWaterMark, 65_536),
    onError: (error) => {
      try {
        (onError ?? console.error)(error);
      } catch (failure) {
        // An onError that throws must not take the server down with it.
        console.error(failure);
      }
    },
  };
}
