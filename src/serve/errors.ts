/**
 * The errors a server reports about its clients' timing, as opposed to their bytes (which
 * the core's `RemoteProtocolError`s describe).
 *
 * @module
 */

/**
 * Raised through `onError` and `request.signal` when a client is too slow: it did not send
 * the environment within `headersTimeout`, or stalled for `idleTimeout` while the server
 * waited on it. The connection is closed without an answer.
 *
 * @example
 * <!-- typecheck: declare const app: import("sioscgi/fetch").Handler; -->
 * ```ts
 * import { ClientTimeoutError, createServer } from "sioscgi/node";
 *
 * createServer(app, {
 *   onError: (error) => {
 *     if (error instanceof ClientTimeoutError) return; // routine: not worth a log line
 *     console.error(error);
 *   },
 * });
 * ```
 */
export class ClientTimeoutError extends Error {
  /** A stable machine-readable identifier of the failure. */
  readonly code = "ERR_SCGI_CLIENT_TIMEOUT" as const;

  /** @param what - What the server was waiting for, such as `"the request headers"`. */
  constructor(what: string) {
    super(`Timed out waiting for ${what}`);
    this.name = "ClientTimeoutError";
  }
}

/**
 * The reason `request.signal` is aborted with when the client disconnects before the
 * exchange is complete.
 *
 * @example
 * <!-- typecheck: declare function slowReport(signal: AbortSignal): Promise<string>; -->
 * ```ts
 * import { ClientDisconnectedError, createServer } from "sioscgi/node";
 *
 * createServer(async (request) => {
 *   request.signal.addEventListener("abort", () => {
 *     if (request.signal.reason instanceof ClientDisconnectedError) console.log("client left");
 *   });
 *   return new Response(await slowReport(request.signal));
 * });
 * ```
 */
export class ClientDisconnectedError extends Error {
  /** A stable machine-readable identifier of the failure. */
  readonly code = "ERR_SCGI_CLIENT_DISCONNECTED" as const;

  constructor() {
    super("The client disconnected before the response was complete");
    this.name = "ClientDisconnectedError";
  }
}
