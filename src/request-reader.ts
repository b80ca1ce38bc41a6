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
 * - HEADERS copies the environment block into one buffer of the declared size (allocated
 *   once, at the colon), so values can be views into memory the caller cannot change;
 *   the block is parsed once, when its last byte arrives.
 * - BODY never buffers: each chunk's share of the body becomes a `RequestBody` that is a
 *   view into that chunk.
 *
 * Remote errors are recorded rather than thrown, and `nextEvent` throws them: the caller
 * learns of the error where it consumes events, as in sioscgi.
 *
 * @module
 */

import { DIGIT_NINE, DIGIT_ZERO, decodeLatin1, parseDecimal } from "./bytes.js";
import {
  BadContentLengthError,
  BadNetstringLengthError,
  BadNetstringTerminatorError,
  BadSCGIVersionError,
  DataAfterEOFError,
  DuplicateVariableError,
  EmptyVariableNameError,
  EnvironmentNotNulTerminatedError,
  EnvironmentTooLongError,
  ExtraDataError,
  MissingContentLengthError,
  MissingSCGIVariableError,
  OddStringCountError,
  PrematureEOFError,
  type ProtocolError,
  quoteBytes,
  type RemoteProtocolError,
} from "./errors.js";
import { RequestBody, RequestEnd, type RequestEvent, RequestHeaders } from "./events.js";
import { RXState } from "./states.js";

/** Options of {@link SCGIReader}. */
export interface SCGIReaderOptions {
  /**
   * The most bytes of environment (the netstring that carries the request's variables)
   * to accept. A request that declares a longer one fails with
   * {@link EnvironmentTooLongError} as soon as its length prefix shows it, before any of
   * it is buffered. The body is never buffered, so this bounds the reader's memory.
   *
   * @defaultValue 65536
   */
  readonly rxBufferLimit?: number;
}

/** The default of {@link SCGIReaderOptions.rxBufferLimit}. */
const DEFAULT_RX_BUFFER_LIMIT = 65536;

/**
 * The most digits a netstring length may have. Fifteen digits already announce almost a
 * petabyte; a sixteenth byte that is not the colon is rejected at once.
 */
const MAX_LENGTH_DIGITS = 15;

const COLON = 0x3a;
const COMMA = 0x2c;
const NUL = 0x00;
const DIGIT_ONE = 0x31;

/**
 * Parses a complete environment block into its variables, or returns the error that
 * makes it invalid. The block must end with NUL and hold NUL-terminated names and values
 * alternately. Values are views into `block`.
 *
 * When a block has several problems, the one reported is the first of: not
 * NUL-terminated, an odd number of strings, then the first empty or repeated name.
 */
function parseEnvironment(block: Uint8Array): Map<string, Uint8Array> | RemoteProtocolError {
  const finalNul = block.length - 1;
  if (block[finalNul] !== NUL) return new EnvironmentNotNulTerminatedError(block[finalNul] as number);
  const environment = new Map<string, Uint8Array>();
  // A bad name is reported only once the whole block is known to have an even string count.
  let nameError: RemoteProtocolError | null = null;
  let position = 0;
  while (position <= finalNul) {
    const nameEnd = block.indexOf(NUL, position);
    const name = decodeLatin1(block, position, nameEnd);
    if (nameEnd === finalNul) return new OddStringCountError(name);
    const valueEnd = block.indexOf(NUL, nameEnd + 1);
    if (nameError === null) {
      if (name === "") nameError = new EmptyVariableNameError();
      else if (environment.has(name)) nameError = new DuplicateVariableError(name);
      else environment.set(name, block.subarray(nameEnd + 1, valueEnd));
    }
    position = valueEnd + 1;
  }
  return nameError ?? environment;
}

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
 * ```ts
 * const reader = new SCGIReader();
 * reader.receiveData(chunk);
 * for (let event = reader.nextEvent(); event !== null; event = reader.nextEvent()) {
 *   // RequestHeaders, then RequestBody*, then RequestEnd
 * }
 * ```
 */
export class SCGIReader {
  /** The configured limit on the environment's size. */
  readonly #rxBufferLimit: number;

  /** The state once every queued event is consumed; `ERROR` is reported through {@link #error} instead. */
  #state: Exclude<RXState, typeof RXState.ERROR> = RXState.HEADER_LENGTH;

  /** The first error met; once set, the reader is dead and every call reports it. */
  #error: ProtocolError | null = null;

  /** Whether `receiveData` has been given an empty chunk. */
  #eof = false;

  /** Events parsed but not yet returned; entries before {@link #queueHead} are spent. */
  #queue: (RequestEvent | undefined)[] = [];

  /** Index of the next event to return, so that dequeuing never shifts the array. */
  #queueHead = 0;

  /** HEADER_LENGTH: how many digits of the netstring length have arrived. */
  #lengthDigits = 0;

  /** HEADER_LENGTH: the length so far; from HEADERS on, the declared length of the environment. */
  #environmentLength = 0;

  /** HEADERS: the environment block being filled, allocated at the colon. */
  #environment: Uint8Array | null = null;

  /** HEADERS: how many bytes of {@link #environment} have arrived. */
  #environmentFilled = 0;

  /** BODY: how many body bytes are still to come. */
  #bodyRemaining = 0;

  /**
   * What each state does with the bytes of a chunk from `offset` on. Each returns the
   * offset after what it consumed. DONE consumes nothing gracefully: any byte there is
   * extra data.
   */
  readonly #handlers: Record<Exclude<RXState, typeof RXState.ERROR>, (chunk: Uint8Array, offset: number) => number> = {
    [RXState.HEADER_LENGTH]: (chunk, offset) => this.#readLength(chunk, offset),
    [RXState.HEADERS]: (chunk, offset) => this.#readEnvironment(chunk, offset),
    [RXState.BODY]: (chunk, offset) => this.#readBody(chunk, offset),
    [RXState.DONE]: (chunk, offset) => this.#readAfterEnd(chunk, offset),
  };

  /**
   * @param options - Limits; see {@link SCGIReaderOptions}.
   * @throws `RangeError` if `rxBufferLimit` is not a positive safe integer.
   */
  constructor(options: SCGIReaderOptions = {}) {
    const limit = options.rxBufferLimit ?? DEFAULT_RX_BUFFER_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`rxBufferLimit must be a positive safe integer, not ${limit}`);
    }
    this.#rxBufferLimit = limit;
  }

  /**
   * The state the reader will be in once every queued event has been consumed: events
   * are parsed when bytes arrive, not when `nextEvent` is called.
   */
  get state(): RXState {
    return this.#error === null ? this.#state : RXState.ERROR;
  }

  /** The error that stopped the reader, or `null` while it is healthy. */
  get error(): ProtocolError | null {
    return this.#error;
  }

  /** Whether `receiveData` has been told of EOF (given an empty chunk). */
  get eof(): boolean {
    return this.#eof;
  }

  /**
   * Feeds bytes received from the peer. Parses as far as they allow and queues the
   * resulting events for {@link nextEvent}.
   *
   * Body events are views into `chunk`: do not overwrite it while they are in use.
   * Once an error has been recorded, further bytes are ignored.
   *
   * @param chunk - The bytes received (a Node `Buffer` works), or an empty array when the
   *   peer has closed its side of the connection (EOF).
   * @throws {@link DataAfterEOFError} if `chunk` is not empty and EOF was given before.
   *   A malformed request never makes this method throw: {@link nextEvent} reports it.
   * @throws `TypeError` if `chunk` is not a `Uint8Array`.
   */
  receiveData(chunk: Uint8Array): void {
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(`receiveData takes a Uint8Array, not ${chunk === null ? "null" : typeof chunk}`);
    }
    if (chunk.length === 0) {
      this.#eof = true;
      if (this.#error === null && this.#state !== RXState.DONE) this.#fail(new PrematureEOFError(this.#state));
      return;
    }
    if (this.#eof) {
      const error = new DataAfterEOFError(chunk.length);
      this.#error ??= error;
      throw error;
    }
    let offset = 0;
    while (offset < chunk.length && this.#error === null) {
      offset = this.#handlers[this.#state](chunk, offset);
    }
  }

  /**
   * Returns the next queued event, or `null` when none is queued (feed more bytes).
   *
   * @throws {@link RemoteProtocolError} (a leaf class of it) if the request is malformed,
   *   and again on every later call; events queued before the error are discarded.
   * @throws {@link LocalProtocolError} if an earlier call threw one.
   */
  nextEvent(): RequestEvent | null {
    if (this.#error !== null) throw this.#error;
    if (this.#queueHead === this.#queue.length) return null;
    const event = this.#queue[this.#queueHead] as RequestEvent;
    this.#queue[this.#queueHead++] = undefined;
    if (this.#queueHead === this.#queue.length) {
      this.#queue.length = 0;
      this.#queueHead = 0;
    }
    return event;
  }

  /** Records the first error; the reader is dead from then on. */
  #fail(error: ProtocolError): void {
    this.#error ??= error;
  }

  /** HEADER_LENGTH: accumulates the netstring's decimal length, up to its colon. */
  #readLength(chunk: Uint8Array, offset: number): number {
    for (let index = offset; index < chunk.length; index++) {
      const byte = chunk[index] as number;
      if (byte === COLON) {
        if (this.#lengthDigits === 0) this.#fail(new BadNetstringLengthError('":" before any digit'));
        else this.#startEnvironment();
        return index + 1;
      }
      if (byte < DIGIT_ZERO || byte > DIGIT_NINE) {
        this.#fail(new BadNetstringLengthError(`${quoteBytes(Uint8Array.of(byte))} where a digit or ":" belongs`));
        return index + 1;
      }
      if (byte === DIGIT_ZERO && this.#lengthDigits === 0) {
        // A netstring length starting with 0 can only be 0 itself, the empty string, and
        // an empty environment lacks the variables every request must carry.
        this.#fail(new BadNetstringLengthError("a leading zero (the environment cannot be empty)"));
        return index + 1;
      }
      this.#environmentLength = this.#environmentLength * 10 + (byte - DIGIT_ZERO);
      this.#lengthDigits++;
      if (this.#environmentLength > this.#rxBufferLimit) {
        this.#fail(new EnvironmentTooLongError(this.#environmentLength, this.#rxBufferLimit));
        return index + 1;
      }
      if (this.#lengthDigits > MAX_LENGTH_DIGITS) {
        this.#fail(new BadNetstringLengthError(`more than ${MAX_LENGTH_DIGITS} digits`));
        return index + 1;
      }
    }
    return chunk.length;
  }

  /** Moves to HEADERS once the length is known. */
  #startEnvironment(): void {
    this.#environment = new Uint8Array(this.#environmentLength);
    this.#environmentFilled = 0;
    this.#state = RXState.HEADERS;
  }

  /** HEADERS: copies the environment block, then checks its closing comma and parses it. */
  #readEnvironment(chunk: Uint8Array, offset: number): number {
    const environment = this.#environment as Uint8Array;
    const blockBytes = Math.min(chunk.length - offset, environment.length - this.#environmentFilled);
    if (blockBytes > 0) {
      environment.set(chunk.subarray(offset, offset + blockBytes), this.#environmentFilled);
      this.#environmentFilled += blockBytes;
      offset += blockBytes;
    }
    if (offset === chunk.length) return offset;
    // The block is complete and this byte must be the netstring's comma.
    const terminator = chunk[offset] as number;
    this.#environment = null;
    if (terminator !== COMMA) {
      this.#fail(new BadNetstringTerminatorError(terminator));
    } else {
      this.#acceptEnvironment(environment);
    }
    return offset + 1;
  }

  /** Parses and checks the complete environment, then queues `RequestHeaders` and moves to BODY. */
  #acceptEnvironment(block: Uint8Array): void {
    const environment = parseEnvironment(block);
    const bodyLength = environment instanceof Map ? declaredBodyLength(environment) : environment;
    if (typeof bodyLength !== "number") {
      this.#fail(bodyLength);
      return;
    }
    this.#queue.push(new RequestHeaders(environment as Map<string, Uint8Array>));
    this.#bodyRemaining = bodyLength;
    this.#state = RXState.BODY;
    if (bodyLength === 0) this.#endRequest();
  }

  /** BODY: passes this chunk's share of the body on as a view, never buffering it. */
  #readBody(chunk: Uint8Array, offset: number): number {
    const taken = Math.min(chunk.length - offset, this.#bodyRemaining);
    this.#queue.push(
      new RequestBody(offset === 0 && taken === chunk.length ? chunk : chunk.subarray(offset, offset + taken)),
    );
    this.#bodyRemaining -= taken;
    if (this.#bodyRemaining === 0) this.#endRequest();
    return offset + taken;
  }

  /** Queues `RequestEnd` and moves to DONE. */
  #endRequest(): void {
    this.#queue.push(new RequestEnd());
    this.#state = RXState.DONE;
  }

  /** DONE: the request is complete, so any byte now is one too many. */
  #readAfterEnd(chunk: Uint8Array, offset: number): number {
    this.#fail(new ExtraDataError(chunk.length - offset));
    return chunk.length;
  }
}
