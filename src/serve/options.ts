/**
 * The options every server entry point takes, checked once when the server is made.
 *
 * @module
 */

import { timeoutOption as timeout } from "../core/timeouts.js";
import { SCGIConnection, type SCGIConnectionOptions } from "../server/connection.js";
import { ClientTimeoutError } from "./errors.js";

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
   * Milliseconds a client has, from connecting, to send the whole request, body included
   * (as node:http's `requestTimeout`; the clock runs while the handler does not read the
   * body too). A client that takes longer is disconnected, and `request.signal` aborted
   * with a `ClientTimeoutError`.
   *
   * @defaultValue 300000
   */
  readonly requestTimeout?: number;
  /**
   * Milliseconds the server goes on reading a request body nobody wants once the response
   * is complete (closing with unread input would reset the connection and cut the answer
   * short). A client still sending after that is disconnected.
   *
   * @defaultValue 5000
   */
  readonly drainTimeout?: number;
  /**
   * Bytes of a request body nobody wants that the server reads once the response is
   * complete (see `drainTimeout`). A client that sends more is disconnected.
   *
   * @defaultValue 1048576 (1 MiB)
   */
  readonly drainLimit?: number;
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
   * something other than a response (the client gets a 500), a malformed request (the
   * client gets the error's `httpStatus`), a timeout, a response body that failed mid-way
   * or yielded a chunk that is neither bytes nor a string (the connection is reset).
   * Whatever it throws is logged with `console.error`.
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
  readonly requestTimeout: number;
  readonly drainTimeout: number;
  readonly drainLimit: number;
  readonly idleTimeout: number;
  readonly bodyHighWaterMark: number;
  /** `onError` made safe: it never throws. */
  readonly onError: (error: unknown) => void;
}

/** A positive finite number of bytes, or the default. */
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
  const {
    headersTimeout,
    requestTimeout,
    drainTimeout,
    drainLimit,
    idleTimeout,
    bodyHighWaterMark,
    onError,
    ...connection
  } = options;
  return {
    connection: checkConnectionOptions(connection),
    headersTimeout: timeout("headersTimeout", headersTimeout, 60_000),
    requestTimeout: timeout("requestTimeout", requestTimeout, 300_000),
    drainTimeout: timeout("drainTimeout", drainTimeout, 5_000),
    drainLimit: positive("drainLimit", drainLimit, 1_048_576),
    idleTimeout: timeout("idleTimeout", idleTimeout, 60_000),
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

/**
 * The deadlines that run from the moment a client connects, whatever its traffic.
 *
 * @internal
 */
export interface Deadlines {
  /** Fires if the environment has not all arrived within `headersTimeout`. */
  readonly headers: ReturnType<typeof setTimeout>;
  /** Fires if the whole request, body included, has not arrived within `requestTimeout`. */
  readonly request: ReturnType<typeof setTimeout>;
}

/**
 * Arms a new connection's {@link Deadlines}; whichever expires calls `fail` with the
 * `ClientTimeoutError` that says what the client did not send in time.
 *
 * @internal
 */
export function armDeadlines(settings: ServerSettings, fail: (error: ClientTimeoutError) => void): Deadlines {
  return {
    headers: setTimeout(() => fail(new ClientTimeoutError("the request headers")), settings.headersTimeout),
    request: setTimeout(() => fail(new ClientTimeoutError("the whole request")), settings.requestTimeout),
  };
}
