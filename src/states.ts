/**
 * The states of the two halves of an SCGI connection.
 *
 * Strategy: plain `as const` objects with string values, each paired with a type of the
 * same name, rather than TypeScript `enum`s. String values read well in logs and error
 * messages, and `as const` objects survive type-stripping runtimes (Node's
 * `--experimental-strip-types`, Deno, Bun) that reject `enum` and `namespace`.
 *
 * @module
 */

/**
 * The states of the receive half (request bytes in, request events out).
 *
 * The receive half changes state as bytes arrive, not as events are consumed, so the
 * state it reports is the one it will be in once every queued event has been taken.
 *
 * @example
 * ```ts
 * if (conn.rxState === RXState.DONE) {
 *   // the whole request has been received (its events may still be queued)
 * }
 * ```
 */
export const RXState = {
  /** Reading the decimal length that opens the environment netstring. */
  HEADER_LENGTH: "HEADER_LENGTH",
  /** Reading the environment block and the comma that closes it. */
  HEADERS: "HEADERS",
  /** Reading the request body, `CONTENT_LENGTH` bytes in all. */
  BODY: "BODY",
  /** The whole request has been received. */
  DONE: "DONE",
  /** A protocol error happened; every later call reports it. */
  ERROR: "ERROR",
} as const;

/** One of the {@link RXState} values. */
export type RXState = (typeof RXState)[keyof typeof RXState];

/**
 * The states of the transmit half (response events in, response bytes out).
 */
export const TXState = {
  /** Nothing has been sent yet: the next event must be a `ResponseHeaders`. */
  HEADERS: "HEADERS",
  /** Headers of a document response were sent: body chunks or the end may follow. */
  BODY: "BODY",
  /** A response without a document (status `null`) was sent: only the end may follow. */
  NO_BODY: "NO_BODY",
  /** The response is complete: close the connection. */
  DONE: "DONE",
  /** A protocol error happened; every later call reports it. */
  ERROR: "ERROR",
} as const;

/** One of the {@link TXState} values. */
export type TXState = (typeof TXState)[keyof typeof TXState];
