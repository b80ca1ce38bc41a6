/**
 * Why an `scgiRequest` failed when no one broke the protocol.
 *
 * Strategy: a family of its own beside {@link ProtocolError}, not inside it. A
 * `ProtocolError` says that a side broke SCGI, and a sans-I/O connection can detect every
 * one of them from bytes alone; a refused connection, a reset, a server that closes without
 * a word, a timeout or an abort are facts about the socket or the caller, which the
 * protocol code never sees, and catching `ProtocolError` must not start catching them.
 * Each leaf has a stable `code`, a fixed message and, where a system error or a protocol
 * error lies underneath, that error as `cause`. Malformed answers still reject with the
 * reader's own `RemoteProtocolError` leaves, and a request that cannot be sent with the
 * writer's `LocalProtocolError` leaves.
 *
 * @module
 */

import type { ProtocolError } from "../core/errors.js";

/** Every `code` a {@link TransportError} can carry. Stable across releases. */
export type TransportErrorCode =
  | "ERR_SCGI_CONNECTION_REFUSED"
  | "ERR_SCGI_CONNECTION_RESET"
  | "ERR_SCGI_CONNECTION_CLOSED"
  | "ERR_SCGI_REQUEST_TIMEOUT"
  | "ERR_SCGI_REQUEST_ABORTED";

/**
 * What a server that ends the connection before answering has most likely done: refused
 * the request. rTorrent, for one, drops a request over its `network.xmlrpc.size_limit`
 * without a byte of answer.
 */
const REFUSAL_HINT = "the server may have refused the request, for instance for its size";

/**
 * The root of the errors `scgiRequest` rejects with, or errors its response body with,
 * when the exchange fails for a reason outside the protocol.
 *
 * Never thrown itself: every error is one of its leaf classes.
 *
 * @example
 * <!-- typecheck: declare const call: string; -->
 * ```ts
 * try {
 *   const response = await scgiRequest("127.0.0.1:5000", { body: call, timeout: 5000 });
 *   console.log(await response.text());
 * } catch (error) {
 *   // A ProtocolError is a malformed answer (or a request that cannot be sent): rethrown.
 *   if (!(error instanceof TransportError)) throw error;
 *   // No answer: nothing listens, a reset, a close, the timeout, or an abort.
 *   console.warn(`${error.name} (${error.code}): ${error.message}`, error.cause);
 * }
 * ```
 */
export abstract class TransportError extends Error {
  /** A stable machine-readable identifier of the failure, such as `ERR_SCGI_CONNECTION_REFUSED`. */
  readonly code: TransportErrorCode;

  /**
   * @param code - The leaf's stable code.
   * @param message - The leaf's fixed message.
   * @param cause - The system or protocol error underneath, if any.
   */
  protected constructor(code: TransportErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    // Class names are the public names; they survive bundling because tsup neither minifies
    // nor renames them (keepNames in tsup.config.ts).
    this.name = new.target.name;
  }
}

/** The system error code of `cause`, such as `ECONNREFUSED`, for a message; empty if it has none. */
function systemCode(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" ? ` (${code})` : "";
}

/**
 * The connection could not be opened: nothing listens at the target (`ECONNREFUSED`, or
 * `ENOENT` for a Unix socket path that does not exist), or it cannot be reached. No byte of
 * the request was sent.
 */
export class ConnectionRefusedError extends TransportError {
  /**
   * @param target - The target, as the caller would write it.
   * @param cause - The runtime's error.
   */
  constructor(target: string, cause: unknown) {
    super(
      "ERR_SCGI_CONNECTION_REFUSED",
      `Could not connect to the SCGI server at ${target}${systemCode(cause)}`,
      cause,
    );
  }
}

/**
 * The connection failed after it was opened (`ECONNRESET`, `EPIPE`), before the response
 * was complete. Before the response's header block, this is how a server that refuses a
 * request often shows it, and the message says so.
 */
export class ConnectionResetError extends TransportError {
  /**
   * @param target - The target, as the caller would write it.
   * @param cause - The runtime's error.
   * @param beforeHeaders - Whether the response's header block had not arrived yet.
   */
  constructor(target: string, cause: unknown, beforeHeaders: boolean) {
    super(
      "ERR_SCGI_CONNECTION_RESET",
      beforeHeaders
        ? `The connection to ${target} failed${systemCode(cause)} before a complete response header block: ${REFUSAL_HINT}`
        : `The connection to ${target} failed${systemCode(cause)} before the end of the response body`,
      cause,
    );
  }
}

/**
 * The server closed the connection before a complete response header block: without a
 * byte, or in the middle of the block. `cause` is the reader's `IncompleteResponseError`.
 * (A server that closes in the body, short of its `Content-Length` or its last chunk,
 * errors the body with that `IncompleteResponseError` itself: the answer had begun.)
 */
export class ConnectionClosedError extends TransportError {
  /**
   * @param target - The target, as the caller would write it.
   * @param cause - The reader's `IncompleteResponseError`.
   */
  constructor(target: string, cause: ProtocolError) {
    super(
      "ERR_SCGI_CONNECTION_CLOSED",
      `The SCGI server at ${target} closed the connection before a complete response header block: ${REFUSAL_HINT}`,
      cause,
    );
  }
}

/** The exchange, from connecting to the response body's last byte, took longer than its `timeout`. */
export class RequestTimeoutError extends TransportError {
  /** @param timeout - The `timeout` given, in milliseconds. */
  constructor(timeout: number) {
    super("ERR_SCGI_REQUEST_TIMEOUT", `The SCGI exchange did not complete within ${timeout} ms`);
  }
}

/** The caller's `signal` was aborted before the exchange completed. `cause` is the signal's reason. */
export class RequestAbortedError extends TransportError {
  /** @param reason - The signal's `reason`. */
  constructor(reason: unknown) {
    super("ERR_SCGI_REQUEST_ABORTED", "The SCGI exchange was aborted", reason);
  }
}
