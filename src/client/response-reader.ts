/**
 * The client's receive half: response bytes in, response events out.
 *
 * Strategy: a byte-driven state machine like the server's reader, for the other message.
 * A response is a CGI header block (`Name: value` lines, then an empty line) and a body
 * that runs to EOF:
 *
 * - HEADERS looks for each line's LF in the bytes the limit still allows, so a header block
 *   longer than `rxBufferLimit` fails at the byte that passes it, whatever the chunking.
 *   Only a line split across chunks is buffered; every complete line is checked as soon
 *   as its LF arrives, against the same HTTP grammar the server's writer enforces
 *   (`header-rules.ts`), and a violation is the server's error. Real servers' habits are
 *   accepted: bare LF line ends, spaces around values, an NPH status line
 *   (`HTTP/1.1 200 OK`, as uWSGI's `--scgi-nph-socket` writes), hop-by-hop headers (dropped:
 *   they describe the server's own connection, not the response).
 * - BODY never buffers: each chunk's share becomes a `ResponseBody` that is a view into
 *   it. A `Content-Length`, when the response can have a body at all, is held against
 *   what arrives: more is an error at once, less is an error at EOF. A body framed with
 *   `Transfer-Encoding: chunked` passes through a `ChunkedDecoder` first, so that only
 *   content comes out; EOF before its last chunk is an error, like a short Content-Length.
 * - EOF ends the response: SCGI has one response per connection, closed by the server.
 *
 * Remote errors are recorded rather than thrown, and `nextEvent` throws them, as on the
 * server side.
 *
 * @module
 */

import { COLON, CR, decodeLatin1, LF, parseDecimal, SPACE, TAB } from "../core/bytes.js";
import { ChunkedDecoder } from "../core/chunked.js";
import {
  BadChunkedBodyError,
  BadResponseContentLengthError,
  BadResponseHeaderError,
  BadResponseStatusError,
  ExtraResponseDataError,
  IncompleteResponseError,
  ResponseHeadersTooLongError,
} from "../core/errors.js";
import { ResponseBody, ResponseEnd, type ResponseEvent, ResponseHeaders } from "../core/events.js";
import { classifyField, isBodilessStatus, isFieldValue, isStatus, isToken, statusCode } from "../core/header-rules.js";
import { bodyView, ReceiveLoop, rxBufferLimitOption } from "../core/receive-loop.js";
import { RXState } from "../core/states.js";

/**
 * Options of {@link SCGIClientReader}.
 *
 * @example
 * <!-- typecheck: declare const bytes: Uint8Array; -->
 * ```ts
 * // A response to HEAD has no body, whatever its Content-Length says; header blocks up to 8 KiB.
 * const reader = new SCGIClientReader({ rxBufferLimit: 8192, requestMethod: "HEAD" });
 * const { status, headers } = decodeResponse(bytes, { requestMethod: "HEAD" }); // the same, in one call
 * ```
 */
export interface SCGIClientReaderOptions {
  /**
   * The most bytes of response header block (every header line, their line ends and the
   * empty line after them) to accept, from 1 to 2^30. A longer block fails with
   * {@link ResponseHeadersTooLongError} at the byte that passes the limit. Only the header
   * block is ever buffered, so this bounds the reader's memory.
   *
   * @defaultValue 65536
   */
  readonly rxBufferLimit?: number;

  /**
   * The method of the request this response answers. Only `HEAD` changes anything: a
   * response to HEAD has no body, so its `Content-Length` describes the body a GET would
   * have had and is not held against the bytes that follow (any that come anyway, as
   * uWSGI sends them, are delivered as they are). `SCGIClientConnection` sets it from the
   * `REQUEST_METHOD` it sent.
   *
   * @defaultValue none: the response may have a body
   */
  readonly requestMethod?: string;
}

/** The client's receive states other than ERROR, which is reported through the recorded error; never HEADER_LENGTH. */
type ClientReadingState = typeof RXState.HEADERS | typeof RXState.BODY | typeof RXState.DONE;

/**
 * The states in which bytes can arrive: DONE is reached at EOF, and bytes after EOF are
 * refused before they are dispatched.
 */
type ReceivingState = Exclude<ClientReadingState, typeof RXState.DONE>;

/** What moves the client's receive state machine: the end of the header block, and EOF. */
type ReaderInput = "header block" | "eof";

/**
 * The client's receive state machine: state, then input, to next state. A missing entry is
 * the server's error: EOF in the header block. A body that disagrees with its
 * `Content-Length` or breaks its chunked framing is an error within BODY, not a move, and
 * fails where it is found. The README's diagram is rendered from this table, and a test
 * keeps them equal.
 *
 * @internal
 */
export const CLIENT_RX_TRANSITIONS: Readonly<
  Record<ClientReadingState, Partial<Record<ReaderInput, ClientReadingState>>>
> = {
  [RXState.HEADERS]: { "header block": RXState.BODY },
  [RXState.BODY]: { eof: RXState.DONE },
  [RXState.DONE]: { eof: RXState.DONE },
};

/** The status of a response without a `Status` header and without a `Location` (CGI's default). */
const DEFAULT_STATUS = "200 OK";
/** The status of a response with a `Location` and without a `Status`: a client redirect, as web servers answer it. */
const REDIRECT_STATUS = "302 Found";

/** An NPH status line: `HTTP/1.x`, a space, and what a `Status` header would hold. */
const NPH_STATUS_LINE = /^HTTP\/1\.[0-9] (.*)$/s;

/** The first size of the buffer for a line split across chunks. */
const INITIAL_LINE_CAPACITY = 256;

/** Whether `byte` is a space or a tab, the whitespace allowed around a field value. */
function isWhitespace(byte: number | undefined): boolean {
  return byte === SPACE || byte === TAB;
}

/**
 * The receive half of an SCGI client connection on its own: turns the bytes of one
 * response into a {@link ResponseHeaders}, {@link ResponseBody} events and a
 * {@link ResponseEnd}.
 *
 * Most clients use `SCGIClientConnection`, which pairs a reader with a writer.
 *
 * @example
 * <!-- typecheck: declare const socket: import("node:net").Socket; -->
 * ```ts
 * const reader = new SCGIClientReader();
 * socket.on("data", (chunk: Uint8Array) => reader.receiveData(chunk));
 * socket.on("end", () => {
 *   reader.receiveData(new Uint8Array(0));
 *   for (const event of reader.events()) console.log(event.type); // ResponseHeaders, ResponseBody*, ResponseEnd
 * });
 * ```
 */
export class SCGIClientReader extends ReceiveLoop<ResponseEvent> {
  /**
   * What each state does with the bytes of a chunk from `offset` on; each returns the
   * offset after what it consumed. Where a handler completes a part of the response, it
   * moves along {@link CLIENT_RX_TRANSITIONS}.
   */
  static readonly #HANDLERS: Readonly<
    Record<ReceivingState, (reader: SCGIClientReader, chunk: Uint8Array, offset: number) => number>
  > = {
    [RXState.HEADERS]: (reader, chunk, offset) => reader.#readHeaderLine(chunk, offset),
    [RXState.BODY]: (reader, chunk, offset) => reader.#readBody(chunk, offset),
  };

  /** The configured limit on the header block's size. */
  readonly #rxBufferLimit: number;

  /** Whether the request was HEAD, whose response has no body. */
  readonly #headRequest: boolean;

  /** The state once every queued event is consumed; `ERROR` is reported through {@link #error} instead. */
  #state: ClientReadingState = RXState.HEADERS;

  /** HEADERS: how many bytes of the header block have arrived, to hold against the limit. */
  #blockLength = 0;

  /** HEADERS: the start of a line whose LF has not arrived yet; `null` when none is held. */
  #line: Uint8Array | null = null;

  /** HEADERS: how many bytes of {@link #line} are filled. */
  #lineFilled = 0;

  /** HEADERS: whether the next complete line is the first, the one place an NPH status line may be. */
  #firstLine = true;

  /** HEADERS: the status given so far, by a `Status` header or an NPH status line. */
  #status: string | null = null;

  /** HEADERS: the fields kept so far, in order: all but `Status` and hop-by-hop headers. */
  #fields: [string, string][] = [];

  /** HEADERS: whether a `Content-Type` and a `Location` have been seen, to refuse a second. */
  #hasContentType = false;
  #hasLocation = false;

  /** HEADERS: the `Content-Length`, if one was given. */
  #contentLength: number | null = null;

  /** BODY: how many body bytes the `Content-Length` still expects, or `null` to read to EOF unchecked. */
  #bodyRemaining: number | null = null;

  /** HEADERS: whether `Transfer-Encoding: chunked` was given. */
  #chunkedFraming = false;

  /** BODY: the decoder of a chunked body, through which every body byte passes; `null` when not chunked. */
  #chunked: ChunkedDecoder | null = null;

  /** BODY: whether the response has a body (it answers neither HEAD nor with 204, 205 or 304). */
  #hasBody = true;

  /** BODY: queues decoded chunk data; made once, not per chunk received. */
  readonly #deliverBody = (data: Uint8Array): void => {
    this.queue(new ResponseBody(data));
  };

  /**
   * @param options - Limits and the request's method; see {@link SCGIClientReaderOptions}.
   * @throws `RangeError` if `rxBufferLimit` is not an integer from 1 to 2^30.
   */
  constructor(options: SCGIClientReaderOptions = {}) {
    super();
    this.#rxBufferLimit = rxBufferLimitOption(options.rxBufferLimit);
    this.#headRequest = options.requestMethod === "HEAD";
  }

  /**
   * The state the reader will be in once every queued event has been consumed. Never
   * `HEADER_LENGTH`: a response has no length prefix, so a client starts in `HEADERS`.
   */
  get state(): Exclude<RXState, typeof RXState.HEADER_LENGTH> {
    return this.error === null ? this.#state : RXState.ERROR;
  }

  /**
   * How many bytes the reader holds: the buffer for a header line split across chunks,
   * which grows by doubling up to `rxBufferLimit` and is released with the header block;
   * otherwise 0. The body is never buffered.
   */
  get bufferedBytes(): number {
    return this.#line?.length ?? 0;
  }

  /**
   * Dispatches on the state; DONE is reached only at EOF, after which no bytes are taken.
   *
   * @internal
   */
  protected override receiveFrom(chunk: Uint8Array, offset: number): number {
    return SCGIClientReader.#HANDLERS[this.#state as ReceivingState](this, chunk, offset);
  }

  /**
   * EOF: the end of the response, if it is complete.
   *
   * @internal
   */
  protected override receiveEOF(): void {
    // A bodiless response (to HEAD, 204, 205, 304) may stop before its chunked framing starts.
    const chunked = this.#chunked;
    if (chunked !== null && !chunked.complete && (this.#hasBody || !chunked.untouched)) {
      this.fail(new IncompleteResponseError("chunked body"));
      return;
    }
    if (this.#state === RXState.BODY && this.#bodyRemaining !== null && this.#bodyRemaining > 0) {
      const contentLength = this.#contentLength as number;
      this.fail(new IncompleteResponseError({ bodyBytes: contentLength - this.#bodyRemaining, contentLength }));
      return;
    }
    const wasBody = this.#state === RXState.BODY;
    this.#advance("eof");
    if (wasBody && this.error === null) this.queue(new ResponseEnd());
  }

  /**
   * Moves along {@link CLIENT_RX_TRANSITIONS}; the one input a state has no entry for is EOF
   * in HEADERS, the server's error.
   */
  #advance(input: ReaderInput): void {
    const next = CLIENT_RX_TRANSITIONS[this.#state][input];
    if (next !== undefined) this.#state = next;
    else this.fail(new IncompleteResponseError(this.#blockLength === 0 ? "nothing" : "headers"));
  }

  /**
   * HEADERS: finds the end of the current line within the bytes the limit still allows,
   * and checks the line once it is complete.
   */
  #readHeaderLine(chunk: Uint8Array, offset: number): number {
    const allowedEnd = Math.min(chunk.length, offset + (this.#rxBufferLimit - this.#blockLength));
    const lineFeed = chunk.indexOf(LF, offset);
    if (lineFeed === -1 || lineFeed >= allowedEnd) {
      this.#holdLinePart(chunk.subarray(offset, allowedEnd));
      this.#blockLength += allowedEnd - offset;
      if (allowedEnd < chunk.length) this.fail(new ResponseHeadersTooLongError(this.#rxBufferLimit));
      return chunk.length;
    }
    this.#blockLength += lineFeed + 1 - offset;
    let line: Uint8Array;
    if (this.#lineFilled === 0) {
      line = chunk.subarray(offset, lineFeed);
    } else {
      this.#holdLinePart(chunk.subarray(offset, lineFeed));
      line = (this.#line as Uint8Array).subarray(0, this.#lineFilled);
      this.#lineFilled = 0;
    }
    // CRLF or bare LF: a CR before the LF belongs to the line end.
    this.#acceptLine(line[line.length - 1] === CR ? line.subarray(0, -1) : line);
    return lineFeed + 1;
  }

  /** Keeps the start of a line whose LF has not arrived, growing the buffer by doubling. */
  #holdLinePart(part: Uint8Array): void {
    if (part.length === 0) return;
    const filled = this.#lineFilled + part.length;
    let line = this.#line;
    if (line === null || filled > line.length) {
      // The block never exceeds the limit, so neither does the buffer.
      const grown = new Uint8Array(
        Math.min(this.#rxBufferLimit, Math.max(filled, (line?.length ?? 0) * 2, INITIAL_LINE_CAPACITY)),
      );
      if (line !== null) grown.set(line.subarray(0, this.#lineFilled));
      line = this.#line = grown;
    }
    line.set(part, this.#lineFilled);
    this.#lineFilled = filled;
  }

  /** Takes one complete line of the header block, without its line end. */
  #acceptLine(line: Uint8Array): void {
    const first = this.#firstLine;
    this.#firstLine = false;
    if (line.length === 0) {
      this.#endHeaders();
      return;
    }
    if (first) {
      const match = NPH_STATUS_LINE.exec(decodeLatin1(line));
      if (match !== null) {
        this.#setStatus(match[1] as string, "status line");
        return;
      }
    }
    const colon = line.indexOf(COLON);
    if (colon === -1) {
      this.fail(new BadResponseHeaderError(line, "no colon"));
      return;
    }
    const name = decodeLatin1(line, 0, colon);
    if (!isToken(name)) {
      this.fail(new BadResponseHeaderError(line, "bad name"));
      return;
    }
    let valueStart = colon + 1;
    let valueEnd = line.length;
    while (isWhitespace(line[valueStart])) valueStart++;
    while (valueEnd > valueStart && isWhitespace(line[valueEnd - 1])) valueEnd--;
    const value = decodeLatin1(line, valueStart, valueEnd);
    if (!isFieldValue(value)) {
      this.fail(new BadResponseHeaderError(line, "control character"));
      return;
    }
    this.#acceptField(line, name, value, line.subarray(valueStart, valueEnd));
  }

  /** Takes one valid header field; `line` and `valueBytes` are for messages and `Content-Length`. */
  #acceptField(line: Uint8Array, name: string, value: string, valueBytes: Uint8Array): void {
    // A token is ASCII, so lower-casing it is exact.
    const lowerName = name.toLowerCase();
    if (lowerName === "transfer-encoding") {
      // The one hop-by-hop header that changes the body: its framing is undone here, so it
      // is taken before classifyField files it with the others.
      this.#acceptTransferEncoding(line, value);
      return;
    }
    switch (classifyField(lowerName)) {
      case "status":
        this.#setStatus(value, "Status header");
        return;
      case "content-type":
        if (this.#hasContentType) {
          this.fail(new BadResponseHeaderError(line, "repeated Content-Type"));
          return;
        }
        this.#hasContentType = true;
        break;
      case "location":
        if (this.#hasLocation) {
          this.fail(new BadResponseHeaderError(line, "repeated Location"));
          return;
        }
        this.#hasLocation = true;
        break;
      case "content-length": {
        if (this.#contentLength !== null) {
          this.fail(new BadResponseContentLengthError(null));
          return;
        }
        const length = parseDecimal(valueBytes);
        if (length === null) {
          this.fail(new BadResponseContentLengthError(value));
          return;
        }
        this.#contentLength = length;
        break;
      }
      case "hop-by-hop":
        // Hop-by-hop headers describe the server's connection (`Connection: close`), not
        // the response, and ResponseHeaders cannot hold them: dropped, not an error.
        return;
      default:
    }
    this.#fields.push([name, value]);
  }

  /** Takes a `Transfer-Encoding` field: `chunked` (once) or `identity`, and no other coding. */
  #acceptTransferEncoding(line: Uint8Array, value: string): void {
    const coding = value.toLowerCase();
    if (this.#chunkedFraming) this.fail(new BadResponseHeaderError(line, "after chunked"));
    else if (coding !== "chunked" && coding !== "identity")
      this.fail(new BadResponseHeaderError(line, "transfer coding"));
    this.#chunkedFraming = coding === "chunked";
  }

  /** Records the status from a `Status` header or an NPH status line. */
  #setStatus(status: string, source: "Status header" | "status line"): void {
    if (this.#status !== null) {
      this.fail(new BadResponseStatusError(source, status, this.#status));
    } else if (!isStatus(status)) {
      this.fail(new BadResponseStatusError(source, status));
    } else {
      this.#status = status;
    }
  }

  /** The empty line: queues `ResponseHeaders`, decides how the body ends, and moves to BODY. */
  #endHeaders(): void {
    const status = this.#status ?? (this.#hasLocation ? REDIRECT_STATUS : DEFAULT_STATUS);
    // Every field was checked above as the constructor checks it, Status and hop-by-hop
    // headers are out, Content-Type and Location appear once: this cannot throw.
    this.queue(new ResponseHeaders(status, this.#fields));
    const hasBody = !this.#headRequest && !isBodilessStatus(statusCode(status));
    if (this.#chunkedFraming) {
      // RFC 9112 lets the framing win; a Content-Length beside it is how smuggling starts.
      if (this.#contentLength !== null) {
        this.fail(new BadResponseContentLengthError(String(this.#contentLength), true));
        return;
      }
      this.#chunked = new ChunkedDecoder();
    }
    this.#hasBody = hasBody;
    this.#bodyRemaining = hasBody ? this.#contentLength : null;
    this.#line = null;
    this.#fields = [];
    this.#advance("header block");
  }

  /** BODY: passes this chunk's share of the body on as a view, never buffering it. */
  #readBody(chunk: Uint8Array, offset: number): number {
    if (this.#chunked !== null) {
      const fault = this.#chunked.decode(chunk, offset, this.#deliverBody);
      // The server broke the framing: its error, as every other byte out of place.
      if (fault !== null) this.fail(new BadChunkedBodyError(fault.byte, fault.problem));
      return chunk.length;
    }
    const available = chunk.length - offset;
    const taken = this.#bodyRemaining === null ? available : Math.min(available, this.#bodyRemaining);
    if (taken > 0) this.queue(new ResponseBody(bodyView(chunk, offset, taken)));
    if (this.#bodyRemaining !== null) {
      this.#bodyRemaining -= taken;
      if (taken < available) this.fail(new ExtraResponseDataError(this.#contentLength as number));
    }
    return chunk.length;
  }
}
