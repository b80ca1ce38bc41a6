/**
 * The transmit half: response events in, response bytes out.
 *
 * Strategy: the state machine is data. {@link TX_TRANSITIONS} maps each state and kind of
 * event to the next state; a missing entry is the error, so there is no if-chain to get
 * wrong. `ResponseHeaders` validated and encoded itself when it was built, so sending one
 * returns a copy of the bytes its constructor checked.
 *
 * @module
 */

import { describeValue } from "../core/bytes.js";
import { BadEventInStateError, type ProtocolError } from "../core/errors.js";
import {
  headerBlockCopy,
  isValidated,
  ResponseBody,
  ResponseEnd,
  type ResponseEvent,
  ResponseHeaders,
} from "../core/events.js";
import { TXState } from "../core/states.js";

/**
 * The kinds of event the transmit table distinguishes. Headers with status `null` lead
 * to a different state than a document's headers, so they are a kind of their own.
 */
type SendKind = "ResponseHeaders" | "ResponseHeaders without document" | "ResponseBody" | "ResponseEnd";

/** The transmit states other than ERROR, which is reported through the recorded error instead. */
type WritingState = Exclude<TXState, typeof TXState.ERROR>;

/**
 * The transmit state machine: state, then kind of event sent, to next state. The README's
 * diagram is rendered from this table, and a test keeps the two equal.
 *
 * @internal
 */
export const TX_TRANSITIONS: Readonly<Record<WritingState, Partial<Record<SendKind, WritingState>>>> = {
  [TXState.HEADERS]: {
    ResponseHeaders: TXState.BODY,
    "ResponseHeaders without document": TXState.NO_BODY,
  },
  [TXState.BODY]: { ResponseBody: TXState.BODY, ResponseEnd: TXState.DONE },
  [TXState.NO_BODY]: { ResponseEnd: TXState.DONE },
  [TXState.DONE]: {},
};

/**
 * Classifies a value passed to `send`, or `null` if it is not a response event at all, or
 * is a `ResponseHeaders` that its constructor did not check.
 */
function sendKind(event: unknown): SendKind | null {
  if (event instanceof ResponseHeaders) {
    if (!isValidated(event)) return null;
    return event.status === null ? "ResponseHeaders without document" : "ResponseHeaders";
  }
  if (event instanceof ResponseBody) return "ResponseBody";
  if (event instanceof ResponseEnd) return "ResponseEnd";
  return null;
}

/**
 * The transmit half of an SCGI server connection on its own: turns
 * {@link ResponseHeaders}, {@link ResponseBody} and {@link ResponseEnd} events into the
 * bytes to write to the peer.
 *
 * Most applications use `SCGIConnection`, which pairs a writer with a reader.
 *
 * @example
 * <!-- typecheck: declare const socket: import("node:net").Socket; -->
 * ```ts
 * const writer = new SCGIWriter();
 * const respond = (event: ResponseEvent) => {
 *   const bytes = writer.send(event); // null after ResponseEnd: close the connection
 *   if (bytes === null) socket.end();
 *   else socket.write(bytes);
 * };
 * respond(new ResponseHeaders("200 OK", [["Content-Type", "text/plain"]]));
 * respond(new ResponseBody(new TextEncoder().encode("hello")));
 * respond(new ResponseEnd());
 * ```
 */
export class SCGIWriter {
  /** The current state; `ERROR` is reported through {@link #error} instead. */
  #state: WritingState = TXState.HEADERS;

  /** The first error met; once set, the writer is dead and every `send` throws it. */
  #error: ProtocolError | null = null;

  /** The current state: what may be sent next. */
  get state(): TXState {
    return this.#error === null ? this.#state : TXState.ERROR;
  }

  /** The error that stopped the writer, or `null` while it is healthy. */
  get error(): ProtocolError | null {
    return this.#error;
  }

  /**
   * Sends one response event and returns the bytes to write.
   *
   * The order is one `ResponseHeaders`, then, unless its status is `null`, any number of
   * `ResponseBody`, then one `ResponseEnd`.
   *
   * @param event - The event to send.
   * @returns The bytes to write to the peer, or `null` for `ResponseEnd`: the response is
   *   complete, so close the connection (SCGI has one request per connection). For
   *   `ResponseHeaders`, new bytes of the caller's own each time, a copy of the block the
   *   constructor encoded, in a region of a pool shared with other header blocks (as
   *   Node's `Buffer` pool is): write them as they are, never their whole `buffer`. For
   *   `ResponseBody`, its `data` itself.
   * @throws {@link BadEventInStateError} if the event cannot be sent in the current state;
   *   the writer is then dead, and every later call throws the same error.
   */
  send(event: ResponseEvent): Uint8Array | null {
    if (this.#error !== null) throw this.#error;
    const kind = sendKind(event);
    const next = kind === null ? undefined : TX_TRANSITIONS[this.#state][kind];
    if (kind === null || next === undefined) {
      this.#error = new BadEventInStateError(describeValue(event), this.#state);
      throw this.#error;
    }
    this.#state = next;
    switch (kind) {
      case "ResponseHeaders":
      case "ResponseHeaders without document":
        return headerBlockCopy(event as ResponseHeaders);
      case "ResponseBody":
        return (event as ResponseBody).data;
      case "ResponseEnd":
        return null;
    }
  }
}
