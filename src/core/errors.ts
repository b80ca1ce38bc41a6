/**
 * The error hierarchy.
 *
 * Strategy: two families under one root, as in sioscgi. A {@link LocalProtocolError} means
 * this side (the application, or the code feeding bytes in) broke the protocol; a
 * {@link RemoteProtocolError} means the peer did. Every error actually thrown is a leaf
 * class with a stable `code`, a fixed message that names the offending value (escaped and
 * truncated, so a hostile peer cannot flood a log or inject control characters into it),
 * and, for remote errors, the HTTP status an application should answer with.
 *
 * @module
 */

import { COLON, DIGIT_NINE, DIGIT_ZERO, decodeLatin1 } from "./bytes.js";
import type { RXState, TXState } from "./states.js";

/** Every `code` a {@link ProtocolError} can carry. Stable across releases. */
export type ProtocolErrorCode =
  | "ERR_SCGI_BAD_NETSTRING_LENGTH"
  | "ERR_SCGI_ENVIRONMENT_TOO_LONG"
  | "ERR_SCGI_TOO_MANY_VARIABLES"
  | "ERR_SCGI_BAD_NETSTRING_TERMINATOR"
  | "ERR_SCGI_ENVIRONMENT_NOT_NUL_TERMINATED"
  | "ERR_SCGI_ODD_STRING_COUNT"
  | "ERR_SCGI_EMPTY_VARIABLE_NAME"
  | "ERR_SCGI_DUPLICATE_VARIABLE"
  | "ERR_SCGI_MISSING_SCGI"
  | "ERR_SCGI_BAD_SCGI_VERSION"
  | "ERR_SCGI_MISSING_CONTENT_LENGTH"
  | "ERR_SCGI_BAD_CONTENT_LENGTH"
  | "ERR_SCGI_PREMATURE_EOF"
  | "ERR_SCGI_EXTRA_DATA"
  | "ERR_SCGI_DATA_AFTER_EOF"
  | "ERR_SCGI_HOP_BY_HOP_HEADER"
  | "ERR_SCGI_NOT_ISO_8859_1"
  | "ERR_SCGI_NON_DOCUMENT_HEADERS"
  | "ERR_SCGI_BAD_EVENT_IN_STATE"
  | "ERR_SCGI_INVALID_STATUS"
  | "ERR_SCGI_INVALID_HEADER_NAME"
  | "ERR_SCGI_INVALID_HEADER_VALUE"
  | "ERR_SCGI_STATUS_HEADER"
  | "ERR_SCGI_DUPLICATE_RESPONSE_HEADER"
  | "ERR_SCGI_INVALID_RESPONSE_CONTENT_LENGTH"
  | "ERR_SCGI_BAD_RESPONSE_STATUS"
  | "ERR_SCGI_BAD_RESPONSE_HEADER"
  | "ERR_SCGI_BAD_RESPONSE_CONTENT_LENGTH"
  | "ERR_SCGI_RESPONSE_HEADERS_TOO_LONG"
  | "ERR_SCGI_INCOMPLETE_RESPONSE"
  | "ERR_SCGI_EXTRA_RESPONSE_DATA"
  | "ERR_SCGI_BAD_CHUNKED_BODY"
  | "ERR_SCGI_INVALID_VARIABLE_NAME"
  | "ERR_SCGI_INVALID_VARIABLE_VALUE"
  | "ERR_SCGI_DUPLICATE_REQUEST_VARIABLE"
  | "ERR_SCGI_INVALID_CONTENT_LENGTH"
  | "ERR_SCGI_INVALID_SCGI_VERSION"
  | "ERR_SCGI_BODY_LENGTH_MISMATCH";

/**
 * The HTTP statuses a {@link RemoteProtocolError} suggests answering with: 400, 413 or 431
 * for a malformed request (a server's errors), 502 for a malformed response (a client's
 * errors: RFC 9110 defines 502 Bad Gateway as the answer of a gateway that received an
 * invalid response, and blaming the request with a 400 would be false).
 */
export type SuggestedHTTPStatus = 400 | 413 | 431 | 502;

/** Longest excerpt of an offending value quoted in a message, in characters. */
const EXCERPT_LIMIT = 64;

/**
 * Quotes `text` for an error message: at most {@link EXCERPT_LIMIT} characters, with
 * anything outside printable ASCII (and the quote and backslash) escaped.
 *
 * @internal
 */
export function quote(text: string): string {
  const excerpt = text.length > EXCERPT_LIMIT ? text.slice(0, EXCERPT_LIMIT) : text;
  const escaped = excerpt.replace(/[^\x20-\x7e]|["\\]/g, (character) => {
    const code = character.charCodeAt(0);
    if (character === '"' || character === "\\") return `\\${character}`;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
  return `"${escaped}"${text.length > EXCERPT_LIMIT ? ` (${text.length} characters in all)` : ""}`;
}

/**
 * Quotes received bytes for an error message, decoded as ISO-8859-1 so every byte shows.
 *
 * @internal
 */
export function quoteBytes(bytes: Uint8Array): string {
  const shown = bytes.length > EXCERPT_LIMIT ? bytes.subarray(0, EXCERPT_LIMIT) : bytes;
  const quoted = quote(decodeLatin1(shown));
  return bytes.length > EXCERPT_LIMIT ? `${quoted} (${bytes.length} bytes in all)` : quoted;
}

/**
 * The root of every error this library throws on purpose.
 *
 * Catch this to handle any SCGI protocol violation, whichever side made it. Never thrown
 * itself: every thrown error is a leaf class under {@link LocalProtocolError} or
 * {@link RemoteProtocolError}.
 *
 * @example
 * <!-- typecheck: declare const conn: import("sioscgi").SCGIConnection; declare function handle(event: import("sioscgi").RequestEvent): void; -->
 * ```ts
 * try {
 *   for (const event of conn.events()) handle(event);
 * } catch (error) {
 *   if (error instanceof ProtocolError) console.warn(`${error.name} (${error.code}): ${error.message}`);
 *   throw error;
 * }
 * ```
 */
export abstract class ProtocolError extends Error {
  /** A stable machine-readable identifier of the failure, such as `ERR_SCGI_PREMATURE_EOF`. */
  readonly code: ProtocolErrorCode;

  /**
   * @param code - The leaf's stable code.
   * @param message - The leaf's fixed message.
   */
  protected constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.code = code;
    // Class names are the public names; they survive bundling because tsup neither minifies
    // nor renames them (keepNames in tsup.config.ts).
    this.name = new.target.name;
  }
}

/**
 * The local application broke the protocol: it sent an event at the wrong time, built
 * response headers SCGI cannot carry, or fed data after announcing EOF.
 *
 * Such errors are thrown at once by the call that made the mistake. Those thrown by
 * `send` or `receiveData` are also sticky: the connection is dead, and every later
 * `nextEvent` and `send` throws the same error. Those thrown by an event's constructor
 * touch no connection.
 *
 * @example
 * <!-- typecheck: declare const greeting: string; -->
 * ```ts
 * let headers: ResponseHeaders;
 * try {
 *   headers = new ResponseHeaders("200 OK", [["X-Greeting", greeting]]); // greeting came from a user
 * } catch (error) {
 *   if (!(error instanceof LocalProtocolError)) throw error;
 *   // InvalidHeaderValueError (a CR or LF in it) or NotISO88591Error: our bug, not the peer's
 *   headers = new ResponseHeaders("500 Internal Server Error", [["Content-Type", "text/plain"]]);
 * }
 * ```
 */
export abstract class LocalProtocolError extends ProtocolError {}

/**
 * The peer broke the protocol: it sent a malformed request (on a server) or response (on a
 * client), or closed the connection too early.
 *
 * `receiveData` never throws these; the next `nextEvent` does, and so does every later
 * `nextEvent` and `send` (the connection is unusable). Answer with {@link httpStatus} if
 * no response has started, then close the connection.
 *
 * @example
 * <!-- typecheck: declare const conn: import("sioscgi").SCGIConnection; declare const socket: import("node:net").Socket; declare function handle(event: import("sioscgi").RequestEvent): void; -->
 * ```ts
 * try {
 *   for (const event of conn.events()) handle(event);
 * } catch (error) {
 *   if (!(error instanceof RemoteProtocolError)) throw error;
 *   // A malformed request: conn is dead, so a fresh writer encodes the answer (if no
 *   // response has started) with the status the error suggests, 400, 413 or 431.
 *   const writer = new SCGIWriter();
 *   const status = new ResponseHeaders(String(error.httpStatus), [["Content-Type", "text/plain"]]);
 *   for (const event of [status, new ResponseBody(new TextEncoder().encode(`${error.message}\n`)), new ResponseEnd()]) {
 *     const bytes = writer.send(event);
 *     if (bytes === null) socket.end();
 *     else socket.write(bytes);
 *   }
 * }
 * ```
 */
export abstract class RemoteProtocolError extends ProtocolError {
  /**
   * The HTTP status an application should answer with: on a server 400, or 413/431 for a
   * limit; on a client (a gateway passing the response on) 502.
   */
  readonly httpStatus: SuggestedHTTPStatus;

  /**
   * @param code - The leaf's stable code.
   * @param message - The leaf's fixed message.
   * @param httpStatus - The status to suggest.
   */
  protected constructor(code: ProtocolErrorCode, message: string, httpStatus: SuggestedHTTPStatus = 400) {
    super(code, message);
    this.httpStatus = httpStatus;
  }
}

/** The netstring length that opens the request is not a positive decimal number ending in `:`. */
export class BadNetstringLengthError extends RemoteProtocolError {
  /**
   * @param byte - The offending byte: a `:` with no digit before it, a `0` as the first
   *   digit, or anything else that is not a digit.
   * @param digitsBefore - How many digits of the length came before it.
   */
  constructor(byte: number, digitsBefore: number) {
    super("ERR_SCGI_BAD_NETSTRING_LENGTH", `Invalid netstring length: ${netstringLengthProblem(byte, digitsBefore)}`);
  }
}

/** What {@link BadNetstringLengthError} says is wrong, from the offending byte and its place. */
function netstringLengthProblem(byte: number, digitsBefore: number): string {
  if (digitsBefore === 0 && byte === COLON) return '":" before any digit';
  // A netstring length starting with 0 can only be 0 itself, the empty string, and an
  // empty environment lacks the variables every request must carry.
  if (digitsBefore === 0 && byte === DIGIT_ZERO) return "a leading zero (the environment cannot be empty)";
  return `${quoteBytes(Uint8Array.of(byte))} where a digit or ":" belongs`;
}

/** The environment netstring declares more bytes than `rxBufferLimit` allows. */
export class EnvironmentTooLongError extends RemoteProtocolError {
  /**
   * @param length - The declared length (or the length so far, while still reading it).
   * @param limit - The configured `rxBufferLimit`.
   */
  constructor(length: number, limit: number) {
    super(
      "ERR_SCGI_ENVIRONMENT_TOO_LONG",
      `Environment of ${length} bytes or more exceeds the limit of ${limit} bytes`,
      431,
    );
  }
}

/**
 * The environment holds more variables than `variableLimit` allows. Each variable costs
 * memory beyond its bytes (a string for its name, a view for its value, an entry in the
 * `Map`), so a small environment of many tiny variables would cost many times its size.
 */
export class TooManyVariablesError extends RemoteProtocolError {
  /** @param limit - The configured `variableLimit`. */
  constructor(limit: number) {
    super("ERR_SCGI_TOO_MANY_VARIABLES", `Environment holds more than the limit of ${limit} variables`, 431);
  }
}

/** The byte after the environment block is not the netstring's closing `,`. */
export class BadNetstringTerminatorError extends RemoteProtocolError {
  /** @param byte - The byte found instead. */
  constructor(byte: number) {
    super(
      "ERR_SCGI_BAD_NETSTRING_TERMINATOR",
      `Environment netstring ends with ${quoteBytes(Uint8Array.of(byte))} instead of ","`,
    );
  }
}

/** The environment block does not end with a NUL byte. */
export class EnvironmentNotNulTerminatedError extends RemoteProtocolError {
  /** @param byte - The last byte of the block. */
  constructor(byte: number) {
    super(
      "ERR_SCGI_ENVIRONMENT_NOT_NUL_TERMINATED",
      `Environment block ends with ${quoteBytes(Uint8Array.of(byte))} instead of a NUL byte`,
    );
  }
}

/** The environment block holds an odd number of strings: its last name has no value. */
export class OddStringCountError extends RemoteProtocolError {
  /** @param name - The name left without a value. */
  constructor(name: string) {
    super("ERR_SCGI_ODD_STRING_COUNT", `Environment variable ${quote(name)} has no value`);
  }
}

/** A variable in the environment block has an empty name. */
export class EmptyVariableNameError extends RemoteProtocolError {
  constructor() {
    super("ERR_SCGI_EMPTY_VARIABLE_NAME", "Environment variable with an empty name");
  }
}

/** Two variables in the environment block have the same name. */
export class DuplicateVariableError extends RemoteProtocolError {
  /** @param name - The repeated name. */
  constructor(name: string) {
    super("ERR_SCGI_DUPLICATE_VARIABLE", `Environment variable ${quote(name)} appears more than once`);
  }
}

/** The environment lacks the `SCGI` variable every SCGI request must carry. */
export class MissingSCGIVariableError extends RemoteProtocolError {
  constructor() {
    super("ERR_SCGI_MISSING_SCGI", "Mandatory variable SCGI is missing");
  }
}

/** The `SCGI` variable is not `1`, the only protocol version there is. */
export class BadSCGIVersionError extends RemoteProtocolError {
  /** @param value - The value received. */
  constructor(value: Uint8Array) {
    super("ERR_SCGI_BAD_SCGI_VERSION", `Variable SCGI is ${quoteBytes(value)}, expected "1"`);
  }
}

/** The environment lacks the `CONTENT_LENGTH` variable every SCGI request must carry. */
export class MissingContentLengthError extends RemoteProtocolError {
  constructor() {
    super("ERR_SCGI_MISSING_CONTENT_LENGTH", "Mandatory variable CONTENT_LENGTH is missing");
  }
}

/**
 * `CONTENT_LENGTH` is not a whole number written in ASCII digits, or is larger than
 * `Number.MAX_SAFE_INTEGER` (then {@link RemoteProtocolError.httpStatus} is 413).
 */
export class BadContentLengthError extends RemoteProtocolError {
  /** @param value - The value received. */
  constructor(value: Uint8Array) {
    const tooLarge = value.length > 0 && value.every((byte) => byte >= DIGIT_ZERO && byte <= DIGIT_NINE);
    super(
      "ERR_SCGI_BAD_CONTENT_LENGTH",
      tooLarge
        ? `Variable CONTENT_LENGTH is ${quoteBytes(value)}, larger than ${Number.MAX_SAFE_INTEGER}`
        : `Variable CONTENT_LENGTH is ${quoteBytes(value)}, expected a whole number in ASCII digits`,
      tooLarge ? 413 : 400,
    );
  }
}

/** The peer closed the connection before the request was complete. */
export class PrematureEOFError extends RemoteProtocolError {
  /** @param state - The receive state the EOF interrupted. */
  constructor(state: RXState) {
    super("ERR_SCGI_PREMATURE_EOF", `Connection closed before the request was complete (in state ${state})`);
  }
}

/** The peer sent bytes after the `CONTENT_LENGTH` bytes of the body. */
export class ExtraDataError extends RemoteProtocolError {
  constructor() {
    super("ERR_SCGI_EXTRA_DATA", "Received data beyond the CONTENT_LENGTH of the request body");
  }
}

/** `receiveData` was given bytes after it had been told of EOF (an empty chunk). */
export class DataAfterEOFError extends LocalProtocolError {
  /** @param count - How many bytes were passed. */
  constructor(count: number) {
    super("ERR_SCGI_DATA_AFTER_EOF", `Received ${count} bytes after EOF`);
  }
}

/** Response headers name a hop-by-hop header, which belongs to the web server alone. */
export class HopByHopHeaderError extends LocalProtocolError {
  /** @param name - The header name as given. */
  constructor(name: string) {
    super("ERR_SCGI_HOP_BY_HOP_HEADER", `Header ${quote(name)} is hop-by-hop and cannot be sent over SCGI`);
  }
}

/**
 * A response's status, header name or header value, or a request's variable name or value,
 * has a character ISO-8859-1 cannot encode (one above U+00FF).
 */
export class NotISO88591Error extends LocalProtocolError {
  /**
   * @param what - What the text is, for the message (`Response status`, `Request variable name`, ...).
   * @param text - The offending text.
   */
  constructor(what: string, text: string) {
    super("ERR_SCGI_NOT_ISO_8859_1", `${what} ${quote(text)} is not encodable in ISO-8859-1`);
  }
}

/** The status is not a code from 200 to 599, optionally followed by a space and a reason phrase. */
export class InvalidStatusError extends LocalProtocolError {
  /** @param status - The status as given. */
  constructor(status: string) {
    super(
      "ERR_SCGI_INVALID_STATUS",
      `Response status ${quote(status)} is not a code from 200 to 599, optionally followed by a space and a reason phrase`,
    );
  }
}

/** A header name is not an RFC 9110 token (it is empty, or has a space, a colon, a control character...). */
export class InvalidHeaderNameError extends LocalProtocolError {
  /** @param name - The name as given. */
  constructor(name: string) {
    super("ERR_SCGI_INVALID_HEADER_NAME", `Response header name ${quote(name)} is not an HTTP token`);
  }
}

/**
 * A header value holds a control character (CR, LF, NUL or another; a tab inside is
 * allowed) or starts or ends with whitespace. Refusing control characters makes response
 * splitting through this library impossible; refusing the whitespace keeps the value the
 * application meant, since web servers strip it.
 */
export class InvalidHeaderValueError extends LocalProtocolError {
  /**
   * @param name - The header's name.
   * @param value - The value as given.
   */
  constructor(name: string, value: string) {
    super(
      "ERR_SCGI_INVALID_HEADER_VALUE",
      `Response ${name} value ${quote(value)} holds a control character or leading or trailing whitespace`,
    );
  }
}

/** The headers include `Status`, which the status argument of `ResponseHeaders` provides. */
export class StatusHeaderError extends LocalProtocolError {
  constructor() {
    super("ERR_SCGI_STATUS_HEADER", "Give the status as the first argument of ResponseHeaders, not as a Status header");
  }
}

/**
 * The headers include `Content-Type`, `Location` or `Content-Length` twice; a response has
 * one of each at most.
 */
export class DuplicateResponseHeaderError extends LocalProtocolError {
  /** @param name - `Content-Type`, `Location` or `Content-Length`. */
  constructor(name: "Content-Type" | "Location" | "Content-Length") {
    super("ERR_SCGI_DUPLICATE_RESPONSE_HEADER", `Response header ${name} appears more than once`);
  }
}

/**
 * A response's `Content-Length` is not a whole number in ASCII digits up to
 * `Number.MAX_SAFE_INTEGER`. It frames the body, so a web server or client would read a
 * body of some other length (or refuse the response), and the client side of this library
 * refuses the same value as the server's error.
 */
export class InvalidResponseContentLengthError extends LocalProtocolError {
  /** @param value - The value as given. */
  constructor(value: string) {
    super(
      "ERR_SCGI_INVALID_RESPONSE_CONTENT_LENGTH",
      `Response Content-Length ${quote(value)} is not a whole number in ASCII digits up to 2^53 - 1`,
    );
  }
}

/**
 * A response without a document (status `null`: a local redirect, or a client redirect
 * without document) must carry a `Location` header and nothing else.
 */
export class NonDocumentHeadersError extends LocalProtocolError {
  /**
   * @param problem - What is wrong: `"no location"` (no `Location`, or an empty one) or
   *   `"other headers"` (a header beside the `Location`).
   */
  constructor(problem: "no location" | "other headers") {
    super(
      "ERR_SCGI_NON_DOCUMENT_HEADERS",
      problem === "no location"
        ? "A response with status null must have a non-empty Location header"
        : "A response with status null must have no header but Location",
    );
  }
}

/** `send` was given an event the transmit half cannot take in its current state. */
export class BadEventInStateError extends LocalProtocolError {
  /**
   * @param eventName - The class name of the event, or the type of a non-event value.
   * @param state - The transmit state at the time.
   */
  constructor(eventName: string, state: TXState) {
    super("ERR_SCGI_BAD_EVENT_IN_STATE", `Cannot send ${eventName} in state ${state}`);
  }
}

/**
 * The response's status, from its `Status` header or an NPH status line (`HTTP/1.1 200
 * OK`), is not a final code (200 to 599) optionally followed by a space and a reason
 * phrase, or the response gives its status twice.
 */
export class BadResponseStatusError extends RemoteProtocolError {
  /**
   * @param source - Where the status came from.
   * @param status - The offending status text.
   * @param earlier - The status given before it, if this one repeats it; `null` if this
   *   one is the first and is not a valid status.
   */
  constructor(source: "Status header" | "status line", status: string, earlier: string | null = null) {
    super(
      "ERR_SCGI_BAD_RESPONSE_STATUS",
      earlier === null
        ? `Invalid response status: ${source} ${quote(status)} is not a code from 200 to 599, optionally followed by a space and a reason phrase`
        : `Invalid response status: a ${source} ${quote(status)} after the status ${quote(earlier)}`,
      502,
    );
  }
}

/**
 * A line of the response's header block is not a header field: it has no colon, its name
 * is not an HTTP token (whitespace before the colon and folded lines included), its value
 * holds a control character, or it repeats `Content-Type` or `Location`, which a
 * response has one of at most. Or it is a `Transfer-Encoding` the client cannot undo: one
 * naming a coding other than `chunked` (or `identity`), or one after `chunked`.
 */
export class BadResponseHeaderError extends RemoteProtocolError {
  /**
   * @param line - The offending line, without its line end.
   * @param problem - What is wrong with it.
   */
  constructor(
    line: Uint8Array,
    problem:
      | "no colon"
      | "bad name"
      | "control character"
      | "repeated Content-Type"
      | "repeated Location"
      | "transfer coding"
      | "after chunked",
  ) {
    super(
      "ERR_SCGI_BAD_RESPONSE_HEADER",
      `Response header line ${quoteBytes(line)} ${HEADER_LINE_PROBLEMS[problem]}`,
      502,
    );
  }
}

/** The end of each {@link BadResponseHeaderError} message, by its problem. */
const HEADER_LINE_PROBLEMS = {
  "no colon": "has no colon",
  "bad name": "has a name that is not an HTTP token",
  "control character": "has a control character in its value",
  "repeated Content-Type": "repeats Content-Type",
  "repeated Location": "repeats Location",
  "transfer coding": "names a transfer coding other than chunked",
  "after chunked": "follows Transfer-Encoding: chunked",
} as const;

/**
 * The response's `Content-Length` is not a whole number in ASCII digits, is larger than
 * `Number.MAX_SAFE_INTEGER`, is given twice, or comes with `Transfer-Encoding: chunked`
 * (RFC 9112 lets the chunked framing win; a length beside it is how request smuggling
 * starts, so the client trusts neither).
 */
export class BadResponseContentLengthError extends RemoteProtocolError {
  /**
   * @param value - The offending value, or `null` when the header is given a second time
   *   (whatever its value).
   * @param withChunked - Whether `value` is a valid length that comes with
   *   `Transfer-Encoding: chunked`.
   */
  constructor(value: string | null, withChunked = false) {
    super(
      "ERR_SCGI_BAD_RESPONSE_CONTENT_LENGTH",
      `Invalid response Content-Length: ${contentLengthProblem(value, withChunked)}`,
      502,
    );
  }
}

/** What {@link BadResponseContentLengthError} says is wrong. */
function contentLengthProblem(value: string | null, withChunked: boolean): string {
  if (value === null) return "given more than once";
  if (withChunked) return `${quote(value)} given with Transfer-Encoding: chunked`;
  return `${quote(value)} is not a whole number in ASCII digits up to 2^53 - 1`;
}

/** The response's header block is longer than the client's `rxBufferLimit`. */
export class ResponseHeadersTooLongError extends RemoteProtocolError {
  /** @param limit - The configured `rxBufferLimit`. */
  constructor(limit: number) {
    super(
      "ERR_SCGI_RESPONSE_HEADERS_TOO_LONG",
      `Response header block exceeds the limit of ${limit} bytes without ending`,
      502,
    );
  }
}

/**
 * The server closed the connection before the response was complete: before the blank
 * line that ends the header block, before the body had the length its `Content-Length`
 * declares, or before the last chunk of a body framed with `Transfer-Encoding: chunked`.
 */
export class IncompleteResponseError extends RemoteProtocolError {
  /**
   * @param received - How far the response got: `"nothing"` (not one byte), `"headers"`
   *   (part of the header block), `"chunked body"` (part of a chunked body), or, for a body
   *   short of its `Content-Length`, how many body bytes arrived and how many were declared.
   */
  constructor(
    received: "nothing" | "headers" | "chunked body" | { readonly bodyBytes: number; readonly contentLength: number },
  ) {
    super("ERR_SCGI_INCOMPLETE_RESPONSE", `Connection closed ${incompleteResponseProblem(received)}`, 502);
  }
}

/** What {@link IncompleteResponseError} says was missing. */
function incompleteResponseProblem(received: ConstructorParameters<typeof IncompleteResponseError>[0]): string {
  if (received === "nothing") return "without sending a response";
  if (received === "headers") return "before the end of the response's header block";
  if (received === "chunked body") return "in a chunked response body, before its last chunk";
  return `${received.bodyBytes} bytes into a response body whose Content-Length is ${received.contentLength}`;
}

/** The server sent more body bytes than the response's `Content-Length` declares. */
export class ExtraResponseDataError extends RemoteProtocolError {
  /** @param contentLength - The declared length. */
  constructor(contentLength: number) {
    super(
      "ERR_SCGI_EXTRA_RESPONSE_DATA",
      `Received more response body than its Content-Length of ${contentLength} bytes`,
      502,
    );
  }
}

/**
 * A response body framed with `Transfer-Encoding: chunked` breaks the framing: a chunk
 * size that is not hex digits or passes 2^53 - 1, a chunk longer than its size, a line end
 * missing, or bytes after the last chunk. The framing is never passed on as content.
 */
export class BadChunkedBodyError extends RemoteProtocolError {
  /**
   * @param byte - The offending byte, the first one the framing does not allow.
   * @param problem - Where it is: where a size's hex digits belong (`"size"`), a digit that
   *   makes the size too large (`"size too large"`), after a size (`"after size"`), a
   *   control byte in an extension (`"size line"`), where the LF of a size line's CRLF
   *   belongs (`"size line end"`), where a chunk's data should have ended (`"data end"`),
   *   where the LF after a chunk's data belongs (`"data line end"`), where the LF of the
   *   body's final CRLF belongs (`"final line end"`), or after the last chunk
   *   (`"after last chunk"`).
   */
  constructor(byte: number, problem: keyof typeof CHUNKED_BODY_PROBLEMS) {
    super(
      "ERR_SCGI_BAD_CHUNKED_BODY",
      `Invalid chunked response body: ${quoteBytes(Uint8Array.of(byte))} ${CHUNKED_BODY_PROBLEMS[problem]}`,
      502,
    );
  }
}

/** The end of each {@link BadChunkedBodyError} message, by its problem. */
const CHUNKED_BODY_PROBLEMS = {
  size: "where a chunk size's hex digits belong",
  "size too large": "makes a chunk size over 2^53 - 1",
  "after size": "after a chunk size",
  "size line": "is a control byte in a chunk size line",
  "size line end": "after a CR in a chunk size line, where LF belongs",
  "data end": "where a chunk's data should end (more data than its size)",
  "data line end": "after the CR that ends a chunk's data, where LF belongs",
  "final line end": "after the CR of the body's final line, where LF belongs",
  "after last chunk": "after the last chunk",
} as const;

/**
 * A request variable's name is empty or holds a NUL byte: the environment netstring
 * separates names and values with NUL, so the server would read other variables.
 */
export class InvalidVariableNameError extends LocalProtocolError {
  /** @param name - The name as given. */
  constructor(name: string) {
    super(
      "ERR_SCGI_INVALID_VARIABLE_NAME",
      name === "" ? "Request variable with an empty name" : `Request variable name ${quote(name)} holds a NUL byte`,
    );
  }
}

/** A request variable's value holds a NUL byte, which would end it early in the environment netstring. */
export class InvalidVariableValueError extends LocalProtocolError {
  /**
   * @param name - The variable's name.
   * @param value - The value as encoded.
   */
  constructor(name: string, value: Uint8Array) {
    super(
      "ERR_SCGI_INVALID_VARIABLE_VALUE",
      `Request variable ${quote(name)} has a value holding a NUL byte: ${quoteBytes(value)}`,
    );
  }
}

/** A request environment given as `[name, value]` pairs names a variable twice. */
export class DuplicateRequestVariableError extends LocalProtocolError {
  /** @param name - The repeated name. */
  constructor(name: string) {
    super("ERR_SCGI_DUPLICATE_REQUEST_VARIABLE", `Request variable ${quote(name)} is given more than once`);
  }
}

/**
 * A request to send has no `CONTENT_LENGTH`, or one that is not a whole number in ASCII
 * digits up to `Number.MAX_SAFE_INTEGER`. Every SCGI request must declare its body length.
 */
export class InvalidContentLengthError extends LocalProtocolError {
  /** @param value - The value given, or `undefined` when there is none. */
  constructor(value: Uint8Array | undefined) {
    super(
      "ERR_SCGI_INVALID_CONTENT_LENGTH",
      value === undefined
        ? "Request has no CONTENT_LENGTH variable"
        : `Request variable CONTENT_LENGTH is ${quoteBytes(value)}, not a whole number in ASCII digits`,
    );
  }
}

/** A request to send carries an `SCGI` variable other than `1`, the only protocol version there is. */
export class InvalidSCGIVersionError extends LocalProtocolError {
  /** @param value - The value given. */
  constructor(value: Uint8Array) {
    super("ERR_SCGI_INVALID_SCGI_VERSION", `Request variable SCGI is ${quoteBytes(value)}; only "1" can be sent`);
  }
}

/** The request body sent is longer, or shorter, than its `CONTENT_LENGTH` declares. */
export class BodyLengthMismatchError extends LocalProtocolError {
  /**
   * @param sent - Body bytes sent, counting the refused event.
   * @param contentLength - The declared length.
   * @param ended - Whether `RequestEnd` was sent (too few bytes) rather than `RequestBody` (too many).
   */
  constructor(sent: number, contentLength: number, ended: boolean) {
    super(
      "ERR_SCGI_BODY_LENGTH_MISMATCH",
      ended
        ? `RequestEnd after ${sent} body bytes; CONTENT_LENGTH declares ${contentLength}`
        : `RequestBody would make ${sent} body bytes; CONTENT_LENGTH declares ${contentLength}`,
    );
  }
}
