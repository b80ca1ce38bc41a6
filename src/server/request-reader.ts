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
 * - HEADERS copies the environment block into one buffer that grows (by doubling) to the
 *   declared size as bytes arrive, so values can be views into memory the caller cannot
 *   change; the block is parsed once, when its last byte arrives. Web servers send the same
 *   names with every request, so decoded names are remembered across readers, in a small
 *   fixed table (see `decodeName`).
 * - BODY never buffers: each chunk's share of the body becomes a `RequestBody` that is a
 *   view into that chunk.
 *
 * Remote errors are recorded rather than thrown, and `nextEvent` throws them: the caller
 * learns of the error where it consumes events, as in sioscgi.
 *
 * @module
 */

import {
  COLON,
  COMMA,
  DIGIT_NINE,
  DIGIT_ONE,
  DIGIT_ZERO,
  decodeLatin1,
  NUL,
  parseDecimal,
  SEMICOLON,
  SPACE,
} from "../core/bytes.js";
import {
  BadContentLengthError,
  BadNetstringLengthError,
  BadNetstringTerminatorError,
  BadSCGIVersionError,
  DuplicateVariableError,
  EmptyVariableNameError,
  EnvironmentNotNulTerminatedError,
  EnvironmentTooLongError,
  ExtraDataError,
  MissingContentLengthError,
  MissingSCGIVariableError,
  OddStringCountError,
  PrematureEOFError,
  type RemoteProtocolError,
} from "../core/errors.js";
import { RequestBody, RequestEnd, type RequestEvent, receivedRequestHeaders } from "../core/events.js";
import { bodyView, ReceiveLoop, rxBufferLimitOption } from "../core/receive-loop.js";
import { RXState } from "../core/states.js";

/** Options of {@link SCGIReader}. */
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
   *   all, is still a {@link DuplicateVariableError}.
   * - `"error"`: every repeated name is a {@link DuplicateVariableError}, as in sioscgi.
   *
   * @defaultValue `"merge"`
   */
  readonly duplicateHeaders?: "merge" | "error";
}

/** The environment buffer's first size; most requests' environments fit in it. */
const INITIAL_ENVIRONMENT_CAPACITY = 4096;

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

/** Prefix of the variables that carry HTTP request headers. */
const HTTP_PREFIX = "HTTP_";

/** `", "`, which joins the values of a repeated header, and `"; "`, which joins cookies. */
const LIST_SEPARATOR = Uint8Array.of(COMMA, SPACE);
const COOKIE_SEPARATOR = Uint8Array.of(SEMICOLON, SPACE);

/** Joins the values of a repeated header into one new array, in order, as an HTTP proxy would. */
function joinValues(name: string, values: readonly Uint8Array[]): Uint8Array {
  const separator = name === "HTTP_COOKIE" ? COOKIE_SEPARATOR : LIST_SEPARATOR;
  let length = separator.length * (values.length - 1);
  for (const value of values) length += value.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const [index, value] of values.entries()) {
    if (index > 0) {
      joined.set(separator, offset);
      offset += separator.length;
    }
    joined.set(value, offset);
    offset += value.length;
  }
  return joined;
}

/** How many decoded variable names {@link decodeName} remembers: a power of two. */
const NAME_CACHE_SIZE = 512;

/** The longest name {@link decodeName} remembers, so that the cache stays small. */
const NAME_CACHE_MAX_LENGTH = 64;

/** Names decoded before, each at a slot chosen by a hash of its bytes; `""` where none is yet. */
const nameCache: string[] = new Array<string>(NAME_CACHE_SIZE).fill("");

/** Whether `name` is the ISO-8859-1 decoding of `bytes[start, end)`. */
function spells(name: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (name.length !== end - start) return false;
  for (let index = 0; index < name.length; index++) {
    if (name.charCodeAt(index) !== bytes[start + index]) return false;
  }
  return true;
}

/**
 * Decodes the variable name `bytes[start, end)` as ISO-8859-1, returning the string made
 * for the same bytes before, in this request or an earlier one, when it is remembered.
 *
 * Why: a web server sends the same few dozen names with every request, and comparing
 * bytes with a remembered string costs a fraction of making a new string and then hashing
 * it for the environment's Map (a remembered string keeps its hash). Decoding names was
 * the largest cost in the profile of an nginx request after the environment buffer itself.
 *
 * The cache is a fixed table shared by every reader, with two slots a name may sit in, so
 * two names that share one slot do not keep evicting each other. A hit is checked byte by
 * byte, so a name always decodes to its own bytes; a peer sending endless distinct names
 * only replaces entries, and the table never grows.
 */
function decodeName(bytes: Uint8Array, start: number, end: number): string {
  let hash = 0;
  for (let index = start; index < end; index++) hash = (Math.imul(hash, 31) + (bytes[index] as number)) | 0;
  const first = hash & (NAME_CACHE_SIZE - 1);
  const firstName = nameCache[first] as string;
  if (spells(firstName, bytes, start, end)) return firstName;
  const second = (hash >>> 16) & (NAME_CACHE_SIZE - 1);
  const secondName = nameCache[second] as string;
  if (spells(secondName, bytes, start, end)) return secondName;
  const name = decodeLatin1(bytes, start, end);
  if (name.length <= NAME_CACHE_MAX_LENGTH) nameCache[firstName === "" ? first : second] = name;
  return name;
}

/**
 * Parses a complete environment block into its variables, or returns the error that
 * makes it invalid. The block must end with NUL and hold NUL-terminated names and values
 * alternately. Values are views into `block`, except merged ones, which are joined once
 * after the scan so that many repeats cost linear time.
 *
 * When a block has several problems, the one reported is the first of: not
 * NUL-terminated, an odd number of strings, then the first empty or repeated name. One
 * pass finds them all: a bad name is remembered, and reported only once the scan has
 * shown that the string count is even.
 */
function parseEnvironment(block: Uint8Array, mergeHTTPHeaders: boolean): Map<string, Uint8Array> | RemoteProtocolError {
  const finalNul = block.length - 1;
  if (block[finalNul] !== NUL) return new EnvironmentNotNulTerminatedError(block[finalNul] as number);
  const environment = new Map<string, Uint8Array>();
  // Made on the first repeat only: most requests have none.
  let repeats: Map<string, Uint8Array[]> | null = null;
  let nameError: RemoteProtocolError | null = null;
  const { buffer, byteOffset } = block;
  let position = 0;
  while (position <= finalNul) {
    // Plain loops rather than indexOf: names and values are a few bytes long, and a call
    // into the indexOf builtin per string costs more than scanning them here (the
    // profile of an nginx request put a third of its time in this function). Each loop
    // stops at the final NUL at the latest.
    let nameEnd = position;
    while (block[nameEnd] !== NUL) nameEnd++;
    const name = decodeName(block, position, nameEnd);
    if (nameEnd === finalNul) return new OddStringCountError(name);
    let valueEnd = nameEnd + 1;
    while (block[valueEnd] !== NUL) valueEnd++;
    position = valueEnd + 1;
    if (nameError !== null) continue;
    // The same view as block.subarray(nameEnd + 1, valueEnd), made without subarray's
    // species lookup, which made it the dearer of the two.
    const value = new Uint8Array(buffer, byteOffset + nameEnd + 1, valueEnd - nameEnd - 1);
    const earlier = environment.get(name);
    if (name === "") {
      nameError = new EmptyVariableNameError();
    } else if (earlier === undefined) {
      environment.set(name, value);
    } else if (!mergeHTTPHeaders || !name.startsWith(HTTP_PREFIX)) {
      nameError = new DuplicateVariableError(name);
    } else {
      repeats ??= new Map();
      const values = repeats.get(name);
      if (values === undefined) repeats.set(name, [earlier, value]);
      else values.push(value);
    }
  }
  if (nameError !== null) return nameError;
  for (const [name, values] of repeats ?? []) environment.set(name, joinValues(name, values));
  return environment;
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

  /** The state once every queued event is consumed; `ERROR` is reported through {@link #error} instead. */
  #state: ReadingState = RXState.HEADER_LENGTH;

  /** HEADER_LENGTH: how many digits of the netstring length have arrived. */
  #lengthDigits = 0;

  /** HEADER_LENGTH: the length so far; from HEADERS on, the declared length of the environment. */
  #environmentLength = 0;

  /**
   * HEADERS: the environment block being filled. It grows as bytes arrive (doubling, up
   * to the declared length), so that a peer cannot make the reader hold memory by
   * announcing a length it never sends.
   */
  #environment: Uint8Array | null = null;

  /** HEADERS: how many bytes of {@link #environment} have arrived. */
  #environmentFilled = 0;

  /** BODY: how many body bytes are still to come. */
  #bodyRemaining = 0;

  /**
   * @param options - Limits and policies; see {@link SCGIReaderOptions}.
   * @throws `RangeError` if `rxBufferLimit` is not an integer from 1 to 2^30, or
   *   `extraData` or `duplicateHeaders` is not one of its values.
   */
  constructor(options: SCGIReaderOptions = {}) {
    super();
    const { extraData = "error", duplicateHeaders = "merge" } = options;
    const rxBufferLimit = rxBufferLimitOption(options.rxBufferLimit);
    if (extraData !== "error" && extraData !== "ignore") {
      throw new RangeError(`extraData must be "error" or "ignore", not ${String(extraData)}`);
    }
    if (duplicateHeaders !== "merge" && duplicateHeaders !== "error") {
      throw new RangeError(`duplicateHeaders must be "merge" or "error", not ${String(duplicateHeaders)}`);
    }
    this.#rxBufferLimit = rxBufferLimit;
    this.#transitions = extraData === "ignore" ? RX_TRANSITIONS_IGNORING_EXTRA_DATA : RX_TRANSITIONS;
    this.#mergeHTTPHeaders = duplicateHeaders === "merge";
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
    return this.#environment?.length ?? 0;
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
    for (let index = offset; index < chunk.length; index++) {
      const byte = chunk[index] as number;
      if (byte === COLON && this.#lengthDigits > 0) {
        this.#startEnvironment();
        return index + 1;
      }
      // Anything but a digit, a colon before any digit, and a leading zero (which could
      // only be the length of an empty environment): the error tells them apart.
      if (byte < DIGIT_ZERO || byte > DIGIT_NINE || (byte === DIGIT_ZERO && this.#lengthDigits === 0)) {
        this.fail(new BadNetstringLengthError(byte, this.#lengthDigits));
        return index + 1;
      }
      this.#environmentLength = this.#environmentLength * 10 + (byte - DIGIT_ZERO);
      this.#lengthDigits++;
      if (this.#environmentLength > this.#rxBufferLimit) {
        this.fail(new EnvironmentTooLongError(this.#environmentLength, this.#rxBufferLimit));
        return index + 1;
      }
    }
    return chunk.length;
  }

  /** Moves to HEADERS once the length is known. */
  #startEnvironment(): void {
    this.#environment = new Uint8Array(Math.min(this.#environmentLength, INITIAL_ENVIRONMENT_CAPACITY));
    this.#environmentFilled = 0;
    this.#advance("length");
  }

  /** HEADERS: copies the environment block, then checks its closing comma and parses it. */
  #readEnvironment(chunk: Uint8Array, offset: number): number {
    const blockBytes = Math.min(chunk.length - offset, this.#environmentLength - this.#environmentFilled);
    if (blockBytes > 0) {
      const filled = this.#environmentFilled + blockBytes;
      let environment = this.#environment as Uint8Array;
      if (filled > environment.length) {
        const grown = new Uint8Array(Math.min(this.#environmentLength, Math.max(environment.length * 2, filled)));
        grown.set(environment.subarray(0, this.#environmentFilled));
        environment = this.#environment = grown;
      }
      environment.set(chunk.subarray(offset, offset + blockBytes), this.#environmentFilled);
      this.#environmentFilled = filled;
      offset += blockBytes;
    }
    if (offset === chunk.length) return offset;
    // The block is complete (the buffer has grown to exactly its length), and this byte
    // must be the netstring's comma.
    const environment = this.#environment as Uint8Array;
    const terminator = chunk[offset] as number;
    this.#environment = null;
    if (terminator !== COMMA) {
      this.fail(new BadNetstringTerminatorError(terminator));
    } else {
      this.#acceptEnvironment(environment);
    }
    return offset + 1;
  }

  /** Parses and checks the complete environment, then queues `RequestHeaders` and moves to BODY. */
  #acceptEnvironment(block: Uint8Array): void {
    const environment = parseEnvironment(block, this.#mergeHTTPHeaders);
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
