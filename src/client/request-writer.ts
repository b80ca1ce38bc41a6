/**
 * The client's transmit half: request events in, request bytes out.
 *
 * Strategy: as on the server's transmit half, the state machine is data.
 * {@link CLIENT_TX_TRANSITIONS} maps each state and kind of event to the next state, and a
 * missing entry is the error. On top of the table the writer keeps one count, the body
 * bytes `CONTENT_LENGTH` still expects, so that a request can be neither longer nor
 * shorter than it says. The environment is checked where it is written, not when the
 * `RequestHeaders` was built, because it is a `Map` that may have changed since: one pass
 * checks every variable and measures the netstring, a second writes it into one array.
 *
 * The netstring puts `CONTENT_LENGTH` first and `SCGI` second, as the SCGI specification
 * requires and as rTorrent insists (it answers nothing to a request that starts otherwise),
 * then the caller's variables in their order.
 *
 * @module
 */

import { COLON, COMMA, DIGIT_ONE, describeValue, isLatin1, NUL, parseDecimal, writeLatin1 } from "../core/bytes.js";
import {
  BadEventInStateError,
  BodyLengthMismatchError,
  InvalidContentLengthError,
  InvalidSCGIVersionError,
  InvalidVariableNameError,
  InvalidVariableValueError,
  NotISO88591Error,
  ProtocolError,
} from "../core/errors.js";
import { RequestBody, RequestEnd, type RequestEvent, RequestHeaders } from "../core/events.js";
import { TXState } from "../core/states.js";

/** The kinds of event the client's transmit table distinguishes. */
type SendKind = "RequestHeaders" | "RequestBody" | "RequestEnd";

/** The client's transmit states other than ERROR (reported through the recorded error); never NO_BODY. */
type ClientWritingState = typeof TXState.HEADERS | typeof TXState.BODY | typeof TXState.DONE;

/**
 * The client's transmit state machine: state, then kind of event sent, to next state. The
 * README's diagram is rendered from this table, and a test keeps the two equal. The body's
 * length is checked beside the table: `RequestBody` past `CONTENT_LENGTH`, or `RequestEnd`
 * before it, is a {@link BodyLengthMismatchError}.
 *
 * @internal
 */
export const CLIENT_TX_TRANSITIONS: Readonly<
  Record<ClientWritingState, Partial<Record<SendKind, ClientWritingState>>>
> = {
  [TXState.HEADERS]: { RequestHeaders: TXState.BODY },
  [TXState.BODY]: { RequestBody: TXState.BODY, RequestEnd: TXState.DONE },
  [TXState.DONE]: {},
};

/** Classifies a value passed to `send`, or `null` if it is not a request event at all. */
function sendKind(event: unknown): SendKind | null {
  if (event instanceof RequestHeaders) return "RequestHeaders";
  if (event instanceof RequestBody) return "RequestBody";
  if (event instanceof RequestEnd) return "RequestEnd";
  return null;
}

const CONTENT_LENGTH = "CONTENT_LENGTH";
const SCGI = "SCGI";
/** The value of `SCGI`, the only protocol version there is. */
const SCGI_VERSION = Uint8Array.of(DIGIT_ONE);

/**
 * Checks one variable for the netstring: a name that is not empty, holds no NUL and fits
 * ISO-8859-1, and a byte value without NUL (NUL separates names and values, so either
 * would make the server read different variables).
 */
function checkVariable(name: unknown, value: unknown): asserts value is Uint8Array {
  if (typeof name !== "string")
    throw new TypeError(`Request variable names must be strings, not ${describeValue(name)}`);
  if (name === "" || name.includes("\0")) throw new InvalidVariableNameError(name);
  if (!isLatin1(name)) throw new NotISO88591Error("Request variable name", name);
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`Request variable ${name} must have a Uint8Array value, not ${describeValue(value)}`);
  }
  if (value.includes(NUL)) throw new InvalidVariableValueError(name, value);
}

/** Writes `name`, NUL, `value`, NUL into `target` at `offset`; returns the offset after them. */
function writeVariable(name: string, value: Uint8Array, target: Uint8Array, offset: number): number {
  let position = writeLatin1(name, target, offset);
  target[position++] = NUL;
  target.set(value, position);
  position += value.length;
  target[position++] = NUL;
  return position;
}

/**
 * Encodes a request's environment as its netstring, `CONTENT_LENGTH` first and `SCGI`
 * second, and returns it with the body length `CONTENT_LENGTH` declares.
 */
function encodeEnvironment(environment: ReadonlyMap<string, Uint8Array>): { bytes: Uint8Array; bodyLength: number } {
  if (!(environment instanceof Map)) throw new TypeError("RequestHeaders.environment must be a Map");
  let blockLength = 0;
  for (const [name, value] of environment) {
    checkVariable(name, value);
    blockLength += name.length + value.length + 2;
  }
  const contentLength = environment.get(CONTENT_LENGTH);
  const bodyLength = contentLength === undefined ? null : parseDecimal(contentLength);
  if (contentLength === undefined || bodyLength === null) throw new InvalidContentLengthError(contentLength);
  const scgi = environment.get(SCGI);
  if (scgi === undefined) {
    blockLength += SCGI.length + SCGI_VERSION.length + 2;
  } else if (scgi.length !== 1 || scgi[0] !== SCGI_VERSION[0]) {
    throw new InvalidSCGIVersionError(scgi);
  }
  const prefix = String(blockLength);
  const bytes = new Uint8Array(prefix.length + 1 + blockLength + 1);
  let offset = writeLatin1(prefix, bytes, 0);
  bytes[offset++] = COLON;
  offset = writeVariable(CONTENT_LENGTH, contentLength, bytes, offset);
  offset = writeVariable(SCGI, SCGI_VERSION, bytes, offset);
  for (const [name, value] of environment) {
    if (name !== CONTENT_LENGTH && name !== SCGI) offset = writeVariable(name, value, bytes, offset);
  }
  bytes[offset] = COMMA;
  return { bytes, bodyLength };
}

/**
 * The transmit half of an SCGI client connection on its own: turns
 * {@link RequestHeaders}, {@link RequestBody} and {@link RequestEnd} events into the bytes
 * of one request.
 *
 * Most clients use `SCGIClientConnection`, which pairs a writer with a reader.
 *
 * @example
 * ```ts
 * const writer = new SCGIClientWriter();
 * const body = new TextEncoder().encode("<?xml version=\"1.0\"?><methodCall>...</methodCall>");
 * socket.write(writer.send(new RequestHeaders({ CONTENT_LENGTH: String(body.length) })));
 * socket.write(writer.send(new RequestBody(body)));
 * writer.send(new RequestEnd()); // null: half-close the connection, then read the response
 * socket.end();
 * ```
 */
export class SCGIClientWriter {
  /** The current state; `ERROR` is reported through {@link #error} instead. */
  #state: ClientWritingState = TXState.HEADERS;

  /** The first error met; once set, the writer is dead and every `send` throws it. */
  #error: ProtocolError | null = null;

  /** The body length `CONTENT_LENGTH` declared, once the headers are sent. */
  #contentLength = 0;

  /** Body bytes sent so far. */
  #bodySent = 0;

  /** The current state: what may be sent next. Never `NO_BODY`, which only a server's response has. */
  get state(): Exclude<TXState, typeof TXState.NO_BODY> {
    return this.#error === null ? this.#state : TXState.ERROR;
  }

  /** The error that stopped the writer, or `null` while it is healthy. */
  get error(): ProtocolError | null {
    return this.#error;
  }

  /**
   * Sends one request event and returns the bytes to write.
   *
   * The order is one `RequestHeaders`, then `RequestBody` events whose bytes add up to its
   * `CONTENT_LENGTH` (empty ones are allowed), then one `RequestEnd`.
   *
   * @param event - The event to send.
   * @returns The bytes to write to the peer: the environment netstring for
   *   `RequestHeaders`, the same array for `RequestBody`; `null` for `RequestEnd`: the
   *   request is complete, so half-close the connection for writing and read the response.
   * @throws {@link BadEventInStateError} if the event cannot be sent in the current state.
   * @throws {@link InvalidContentLengthError} if the environment has no `CONTENT_LENGTH`
   *   of ASCII digits (at most `Number.MAX_SAFE_INTEGER`).
   * @throws {@link InvalidSCGIVersionError} if it has an `SCGI` other than `1`.
   * @throws {@link InvalidVariableNameError} if a name is empty or holds NUL.
   * @throws {@link InvalidVariableValueError} if a value holds NUL.
   * @throws {@link NotISO88591Error} if a name has a character above U+00FF.
   * @throws {@link BodyLengthMismatchError} if `RequestBody` would pass `CONTENT_LENGTH`, or
   *   `RequestEnd` comes before it is reached.
   * @throws `TypeError` if the environment was changed to hold a name that is not a string
   *   or a value that is not a `Uint8Array`; nothing is sent, and the writer stays usable.
   *
   * Every {@link ProtocolError} leaves the writer dead: every later call throws the same error.
   */
  send(event: RequestEvent): Uint8Array | null {
    if (this.#error !== null) throw this.#error;
    try {
      return this.#send(event);
    } catch (error) {
      if (error instanceof ProtocolError) this.#error = error;
      throw error;
    }
  }

  #send(event: RequestEvent): Uint8Array | null {
    const kind = sendKind(event);
    const next = kind === null ? undefined : CLIENT_TX_TRANSITIONS[this.#state][kind];
    if (kind === null || next === undefined) throw new BadEventInStateError(describeValue(event), this.#state);
    let bytes: Uint8Array | null;
    switch (kind) {
      case "RequestHeaders": {
        const encoded = encodeEnvironment((event as RequestHeaders).environment);
        this.#contentLength = encoded.bodyLength;
        bytes = encoded.bytes;
        break;
      }
      case "RequestBody": {
        bytes = (event as RequestBody).data;
        const sent = this.#bodySent + bytes.length;
        if (sent > this.#contentLength) throw new BodyLengthMismatchError(sent, this.#contentLength, false);
        this.#bodySent = sent;
        break;
      }
      case "RequestEnd":
        if (this.#bodySent < this.#contentLength) {
          throw new BodyLengthMismatchError(this.#bodySent, this.#contentLength, true);
        }
        bytes = null;
        break;
    }
    this.#state = next;
    return bytes;
  }
}
