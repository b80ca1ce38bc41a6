/**
 * The receive half: request bytes in, request events out.
 *
 * Strategy: a byte-driven state machine. Each state has one handler that consumes as
 * many bytes of the current chunk as belong to it and returns where it stopped; the
 * `receiveData` loop dispatches on the state until the chunk is used up or an error is
 * recorded. Every byte is looked at a bounded number of times, whatever the chunking:
 *
 * - HEADER_LENGTH checks each digit as it arrives, so garbage is rejected at its first byte
 *   and a length over the limit as soon as it gets there, never after buffering.
 * - HEADERS copies the environment block into memory of the reader's own (see
 *   `environment-block.ts`: a pooled region, or for a large block a buffer that grows as
 *   bytes arrive), so values can be views into memory the caller cannot change; the block
 *   is parsed once, when its last byte arrives, with at most `variableLimit` variables.
 *   When one chunk holds the whole netstring, as it nearly always does, the length, the
 *   block and the comma are taken in one step.
 * - BODY never buffers: each chunk's share of the body becomes a `RequestBody` that is a
 *   view into that chunk.
 *
 * Remote errors are recorded rather than thrown, and `nextEvent` throws them: the caller
 * learns of the error where it consumes events, as in sioscgi.
 *
 * @module
 */

import { COLON, COMMA, DIGIT_NINE, DIGIT_ONE, DIGIT_ZERO, parseDecimal } from "../core/bytes.js";
import {
  BadContentLengthError,
  BadNetstringLengthError,
  BadNetstringTerminatorError,
  BadSCGIVersionError,
  EnvironmentTooLongError,
  ExtraDataError,
  MissingContentLengthError,
  MissingSCGIVariableError,
  PrematureEOFError,
  type RemoteProtocolError,
} from "../core/errors.js";
import { RequestBody, RequestEnd, type RequestEvent, receivedRequestHeaders } from "../core/events.js";
import { bodyView, ReceiveLoop, rxBufferLimitOption } from "../core/receive-loop.js";
import { RXState } from "../core/states.js";
import { type EnvironmentBlock, fillBlock, parseEnvironment, reserveBlock } from "./environment-block.js";

/**
 * Options of {@link SCGIReader}.
 *
 * @example
 * ```ts
 * // Environments up to 16 KiB, bytes after the body discarded, repeated variables refused.
 * const reader = new SCGIReader({ rxBufferLimit: 16_384, extraData: "ignore", duplicateHeaders: "error" });
 * ```
 */
export interface SCGIReaderOptions {
  /**
   * The most bytes of environment (the netstring that carries the request's variables)
   * to accept, from 1 to 2^30. A request that declares a longer one fails with
   * {@link EnvironmentTooLongError} as soon as its length prefix shows it, before any of
   * it is buffered. The body is never buffered, so this bounds the reader's memory.
   *
   * @defaultValue 65536
   */
  readonly rxBufferLimit?: number;

  /**
   * What to do with bytes that arrive after the `CONTENT_LENGTH` bytes of the body.
   *
   * - `"error"`: the request fails with {@link ExtraDataError}, as in sioscgi 3.0.1.
   * - `"ignore"`: they are discarded unbuffered, as in sioscgi 5.0.0, and the request
   *   ends normally.
   *
   * @defaultValue `"error"`
   */
  readonly extraData?: "error" | "ignore";

  /**
   * What to do when the environment names a variable twice.
   *
   * - `"merge"`: a repeated `HTTP_*` variable (a request header the HTTP client sent
   *   twice, which nginx before 1.23 passes on as two variables) is merged into one, the
   *   values joined in order with `", "` (`"; "` for `HTTP_COOKIE`), as nginx 1.23 and
   *   later do themselves. Any other repeated variable, `CONTENT_LENGTH` and `SCGI` above
   *   all, is still a {@link sioscgi!DuplicateVariableError}.
   * - `"error"`: every repeated name is a {@link sioscgi!DuplicateVariableError}, as in sioscgi.
   *
   * @defaultValue `"merge"`
   */
  readonly duplicateHeaders?: "merge" | "error";

  /**
   * The most variables the environment may hold, from 1 to 2^30. A request with more
   * fails with {@link sioscgi!TooManyVariablesError} (which suggests 431), as soon as the parse
   * reaches the first one too many. Each variable costs memory beyond its bytes (a string
   * for its name, a view for its value, an entry in the `Map`, about 150 bytes in all on
   * Node), so this and `rxBufferLimit` together bound what one request can make the
   * reader hold: with the defaults, about four times the environment's 64 KiB. The
   * default leaves room for nginx 1.22, which with its default buffers passes on about
   * 1,000 request header lines, plus its own variables.
   *
   * @defaultValue 1200
   */
  readonly variableLimit?: number;
}

/** The default {@link SCGIReaderOptions.variableLimit}. */
const DEFAULT_VARIABLE_LIMIT = 1200;

/** The receive states other than ERROR, which is reported through the recorded error instead. */
type ReadingState = Exclude<RXState, typeof RXState.ERROR>;

/**
 * What moves the receive state machine: the end of each part of a request as the bytes
 * complete it, bytes after the body, and EOF.
 */
type ReaderInput = "length" | "environment" | "body" | "data after body" | "eof";

/**
 * The receive state machine: state, then input, to next state. A missing entry is the
 * peer's error: EOF anywhere but DONE is premature, and data after the body is extra.
 * The README's diagram is rendered from this table, and a test keeps the two equal.
 *
 * @internal
 */
export const RX_TRANSITIONS: Readonly<Record<ReadingState, Partial<Record<ReaderInput, ReadingState>>>> = {
  [RXState.HEADER_LENGTH]: { length: RXState.HEADERS },
  [RXState.HEADERS]: { environment: RXState.BODY },
  [RXState.BODY]: { body: RXState.DONE },
  [RXState.DONE]: { eof: RXState.DONE },
};

/** {@link RX_TRANSITIONS} for a reader that discards data after the body (`extraData: "ignore"`). */
const RX_TRANSITIONS_IGNORING_EXTRA_DATA: typeof RX_TRANSITIONS = {
  ...RX_TRANSITIONS,
  [RXState.DONE]: { eof: RXState.DONE, "data after body": RXState.DONE },
};

/**
 * Checks the variables every SCGI request must carry and returns the body length that
 * `CONTENT_LENGTH` declares, or the error that makes the request invalid. `SCGI` is
 * checked first, as it says whether this is SCGI at all.
 */
function declaredBodyLength(environment: ReadonlyMap<string, Uint8Array>): number | RemoteProtocolError {
  const scgi = environment.get("SCGI");
  if (scgi === undefined) return new MissingSCGIVariableError();
  if (scgi.length !== 1 || scgi[0] !== DIGIT_ONE) return new BadSCGIVersionError(scgi);
  const contentLength = environment.get("CONTENT_LENGTH");
  if (contentLength === undefined) return new MissingContentLengthError();
  return parseDecimal(contentLength) ?? new BadContentLengthError(contentLength);
}

/**
 * The receive half of an SCGI server connection on its own: turns the bytes of one
 * request into {@link RequestHeaders}, {@link RequestBody} and {@link RequestEnd} events.
 *
 * Most applications use `SCGIConnection`, which pairs a reader with a writer.
 *
 * @example
 * <!-- typecheck: declare const chunk: Uint8Array; -->
 * ```ts
 * const reader = new SCGIReader();
 * reader.receiveData(chunk);
 * for (let event = reader.nextEvent(); event !== null; event = reader.nextEvent()) {
 *   // RequestHeaders, then RequestBody*, then RequestEnd
 * }
 * ```
 */
export class SCGIReader extends ReceiveLoop<RequestEvent> {
  /**
   * What each state does with the bytes of a chunk from `offset` on; each returns the
   * offset after what it consumed. Static, so that a reader carries no closures. Where a
   * handler completes its part of the request, it moves along {@link RX_TRANSITIONS}.
   */
  static readonly #HANDLERS: Readonly<
    Record<ReadingState, (reader: SCGIReader, chunk: Uint8Array, offset: number) => number>
  > = {
    [RXState.HEADER_LENGTH]: (reader, chunk, offset) => reader.#readLength(chunk, offset),
    [RXState.HEADERS]: (reader, chunk, offset) => reader.#readEnvironment(chunk, offset),
    [RXState.BODY]: (reader, chunk, offset) => reader.#readBody(chunk, offset),
    [RXState.DONE]: (reader, chunk) => reader.#readAfterEnd(chunk),
  };

  /** The configured limit on the environment's size. */
  readonly #rxBufferLimit: number;

  /** The transition table, which depends on the `extraData` option. */
  readonly #transitions: typeof RX_TRANSITIONS;

  /** Whether repeated `HTTP_*` variables are merged (option `duplicateHeaders: "merge"`). */
  readonly #mergeHTTPHeaders: boolean;

  /** The configured limit on the number of variables. */
  readonly #variableLimit: number;

  /** The state once every queued event is consumed; `ERROR` is reported through {@link #error} instead. */
  #state: ReadingState = RXState.HEADER_LENGTH;

  /**
   * HEADER_LENGTH: the length so far, 0 until its first digit (a leading zero is refused,
   * so the length is 0 exactly while no digit has arrived); from HEADERS on, the declared
   * length of the environment.
   */
  #environmentLength = 0;

  /** HEADERS: where the environment block is being filled; see `reserveBlock`. */
  #block: EnvironmentBlock | null = null;

  /** HEADERS: how many bytes of the environment block have arrived. */
  #environmentFilled = 0;

  /** BODY: how many body bytes are still to come. */
  #bodyRemaining = 0;

  /**
   * @param options - Limits and policies; see {@link SCGIReaderOptions}.
   * @throws `RangeError` if `rxBufferLimit` or `variableLimit` is not an integer from 1
   *   to 2^30, or `extraData` or `duplicateHeaders` is not one of its values.
   */
  constructor(options: SCGIReaderOptions = {}) {
    super();
    const { extraData = "error", duplicateHeaders = "merge", variableLimit = DEFAULT_VARIABLE_LIMIT } = options;
    const rxBufferLimit = rxBufferLimitOption(options.rxBufferLimit);
    if (extraData !== "error" && extraData !== "ignore") {
      throw new RangeError(`extraData must be "error" or "ignore", not ${String(extraData)}`);
    }
    if (duplicateHeaders !== "merge" && duplicateHeaders !== "error") {
      throw new RangeError(`duplicateHeaders must be "merge" or "error", not ${String(duplicateHeaders)}`);
    }
    this.#rxBufferLimit = rxBufferLimit;
    this.#transitions = extraData === "ignore" ? RX_TRANSITIONS_IGNORING_EXTRA_DATA : RX_TRANSITIONS;
    if (!Number.isInteger(variableLimit) || variableLimit < 1 || variableLimit > 2 ** 30) {
      throw new RangeError(`variableLimit must be an integer from 1 to ${2 ** 30}, not ${variableLimit}`);
    }
    this.#mergeHTTPHeaders = duplicateHeaders === "merge";
    this.#variableLimit = variableLimit;
  }

  /**
   * The state the reader will be in once every queued event has been consumed: events
   * are parsed when bytes arrive, not when `nextEvent` is called.
   */
  get state(): RXState {
    return this.error === null ? this.#state : RXState.ERROR;
  }

  /**
   * How many bytes the reader holds: the buffer for the environment, which grows as the
   * environment arrives and is released when it is parsed; otherwise 0. Never more than
   * `rxBufferLimit`, since the body is never buffered.
   */
  get bufferedBytes(): number {
    return this.#block?.capacity ?? 0;
  }

  /**
   * Dispatches on the state: the handler of each part of the request takes what is its.
   *
   * @internal
   */
  protected override receiveFrom(chunk: Uint8Array, offset: number): number {
    return SCGIReader.#HANDLERS[this.#state](this, chunk, offset);
  }

  /**
   * EOF: fine once the request is complete, premature before.
   *
   * @internal
   */
  protected override receiveEOF(): void {
    this.#advance("eof");
  }

  /**
   * Moves along {@link RX_TRANSITIONS}; an input the current state has no entry for is the
   * peer's error: EOF before the request is complete, or data after it.
   */
  #advance(input: ReaderInput): void {
    const next = this.#transitions[this.#state][input];
    if (next !== undefined) this.#state = next;
    else this.fail(input === "eof" ? new PrematureEOFError(this.#state) : new ExtraDataError());
  }

  /** HEADER_LENGTH: accumulates the netstring's decimal length, up to its colon. */
  #readLength(chunk: Uint8Array, offset: number): number {
    if (this.#environmentLength === 0) {
      const end = this.#readWholeNetstring(chunk, offset);
      if (end > 0) return end;
    }
    for (let index = offset; index < chunk.length; index++) {
      const byte = chunk[index] as number;
      if (byte === COLON && this.#environmentLength > 0) {
        this.#startEnvironment();
        return index + 1;
      }
      // Anything but a digit, a colon before any digit, and a leading zero (which could
      // only be the length of an empty environment): the error tells them apart.
      if (byte < DIGIT_ZERO || byte > DIGIT_NINE || (byte === DIGIT_ZERO && this.#environmentLength === 0)) {
        const digits = this.#environmentLength === 0 ? 0 : String(this.#environmentLength).length;
        this.fail(new BadNetstringLengthError(byte, digits));
        return index + 1;
      }
      this.#environmentLength = this.#environmentLength * 10 + (byte - DIGIT_ZERO);
      if (this.#environmentLength > this.#rxBufferLimit) {
        this.fail(new EnvironmentTooLongError(this.#environmentLength, this.#rxBufferLimit));
        return index + 1;
      }
    }
    return chunk.length;
  }

  /**
   * The usual case, in one step: the chunk holds the whole netstring from `offset` on, with
   * a length in order and the closing comma. Copies the block and parses it at once, and
   * returns the offset after the comma; or returns -1 when anything is not so, for the
   * byte-wise path to take the bytes (and to report what is wrong), having changed nothing.
   */
  #readWholeNetstring(chunk: Uint8Array, offset: number): number {
    let index = offset;
    let byte = chunk[index] as number;
    if (byte < DIGIT_ONE || byte > DIGIT_NINE) return -1;
    let length = 0;
    do {
      length = length * 10 + (byte - DIGIT_ZERO);
      byte = chunk[++index] as number;
    } while (byte >= DIGIT_ZERO && byte <= DIGIT_NINE && length <= this.#rxBufferLimit);
    const comma = index + 1 + length;
    if (byte !== COLON || length > this.#rxBufferLimit || comma >= chunk.length || chunk[comma] !== COMMA) return -1;
    this.#environmentLength = length;
    this.#advance("length");
    const block = reserveBlock(length);
    fillBlock(block, 0, length, chunk, index + 1, length);
    this.#acceptEnvironment(block);
    return comma + 1;
  }

  /** Moves to HEADERS once the length is known. */
  #startEnvironment(): void {
    this.#block = reserveBlock(this.#environmentLength);
    this.#environmentFilled = 0;
    this.#advance("length");
  }

  /** HEADERS: copies the environment block, then checks its closing comma and parses it. */
  #readEnvironment(chunk: Uint8Array, offset: number): number {
    const block = this.#block as EnvironmentBlock;
    const blockBytes = Math.min(chunk.length - offset, this.#environmentLength - this.#environmentFilled);
    if (blockBytes > 0) {
      fillBlock(block, this.#environmentFilled, this.#environmentLength, chunk, offset, blockBytes);
      this.#environmentFilled += blockBytes;
      offset += blockBytes;
    }
    if (offset === chunk.length) return offset;
    // The block is complete, and this byte must be the netstring's comma.
    const terminator = chunk[offset] as number;
    this.#block = null;
    if (terminator !== COMMA) {
      this.fail(new BadNetstringTerminatorError(terminator));
    } else {
      this.#acceptEnvironment(block);
    }
    return offset + 1;
  }

  /** Parses and checks the complete environment, then queues `RequestHeaders` and moves to BODY. */
  #acceptEnvironment(block: EnvironmentBlock): void {
    const environment = parseEnvironment(block, this.#environmentLength, this.#mergeHTTPHeaders, this.#variableLimit);
    const bodyLength = environment instanceof Map ? declaredBodyLength(environment) : environment;
    if (typeof bodyLength !== "number") {
      this.fail(bodyLength);
      return;
    }
    this.queue(receivedRequestHeaders(environment as Map<string, Uint8Array>));
    this.#bodyRemaining = bodyLength;
    this.#advance("environment");
    if (bodyLength === 0) this.#endRequest();
  }

  /** BODY: passes this chunk's share of the body on as a view, never buffering it. */
  #readBody(chunk: Uint8Array, offset: number): number {
    const taken = Math.min(chunk.length - offset, this.#bodyRemaining);
    this.queue(new RequestBody(bodyView(chunk, offset, taken)));
    this.#bodyRemaining -= taken;
    if (this.#bodyRemaining === 0) this.#endRequest();
    return offset + taken;
  }

  /** Queues `RequestEnd` and moves to DONE. */
  #endRequest(): void {
    this.queue(new RequestEnd());
    this.#advance("body");
  }

  /** DONE: the request is complete; the rest of the chunk is extra data, an error or discarded. */
  #readAfterEnd(chunk: Uint8Array): number {
    this.#advance("data after body");
    return chunk.length;
  }
}
