/**
 * A web `Response` as SCGI response events, and SCGI response headers as a web `Response`.
 *
 * Strategy: pure translations with no I/O. {@link responseEvents} turns a `Response` into
 * the events `send` takes, streaming its body; {@link toResponse} goes the other way, for
 * the side that reads an SCGI response.
 *
 * @module
 */

import { ResponseBody, ResponseEnd, type ResponseEvent, ResponseHeaders } from "../core/events.js";
import { classifyField, statusCode } from "../core/header-rules.js";
import { REASON_PHRASES } from "./reason-phrases.js";

const LOCAL_REDIRECTS = new WeakSet<object>();

/**
 * What a handler may answer with: a `Response`, or any object of the same shape that is
 * not one (a `Response` from a ponyfill such as `@whatwg-node/fetch`, which graphql-yoga
 * returns, or a plain object). A `Response` always fits.
 *
 * - `status`: an integer from 200 to 599;
 * - `statusText`: the reason phrase; when missing or empty, the standard one is sent;
 * - `headers`: a `Headers` (of any implementation: anything iterable of name-value pairs),
 *   or a plain object of names to string values;
 * - `body`: `null` or missing for none; a `ReadableStream` (of any implementation: anything
 *   with a `getReader()` that reads as a web stream reader does); a string (sent as UTF-8);
 *   or bytes (an `ArrayBuffer` or any view of one: `Uint8Array`, `DataView`, ...).
 *
 * A stream's chunks may likewise be bytes of any of those kinds, or strings (sent as
 * UTF-8); a chunk of any other kind fails the response (see {@link responseEvents}).
 *
 * @example
 * ```ts
 * import type { ResponseLike } from "sioscgi/fetch";
 *
 * const teapot: ResponseLike = { status: 418, headers: { "content-type": "text/plain" }, body: "short and stout\n" };
 * ```
 */
export interface ResponseLike {
  /** The status code. */
  readonly status: number;
  /** The reason phrase. */
  readonly statusText?: string;
  /** The headers. */
  readonly headers: Iterable<readonly [string, string]> | Readonly<Record<string, string>>;
  /** The body. */
  readonly body?: ReadableStream | string | ArrayBuffer | ArrayBufferView | null;
}

/**
 * A local redirect: a response that asks the web server to serve `location` (a path on the
 * same server) in its place, with no status and no body of its own. CGI defines it; the
 * web server decides what to do with it: Apache with `ProxySCGIInternalRedirect` (on by
 * default) serves the target, while nginx and lighttpd pass it to the client as a 302.
 *
 * @param location - The path to serve instead, such as `"/index.html"`.
 * @returns A `Response` that {@link toResponseHeaders} turns into status `null` and one
 *   `Location` header.
 *
 * @example
 * ```ts
 * createServer((request) => localRedirect("/static/maintenance.html"));
 * ```
 */
export function localRedirect(location: string): Response {
  const response = new Response(null, { headers: { location } });
  LOCAL_REDIRECTS.add(response);
  return response;
}

/** The `TypeError` for a handler's answer that is not a {@link ResponseLike}, saying why. */
function notAResponse(why: string): TypeError {
  return new TypeError(`The handler did not return a Response or a response-like object: ${why}`);
}

/**
 * The status line for a `Response`: its status and `statusText`, or the standard reason
 * phrase when `statusText` is empty.
 */
function statusLine(response: ResponseLike): string {
  const { status, statusText = "" } = response;
  if (!Number.isInteger(status) || status < 200 || status > 599 || typeof statusText !== "string") {
    throw notAResponse(`status ${String(status)}, statusText ${typeof statusText}`);
  }
  // A status text may have spaces and tabs around it; a Status header value may not.
  const reason = statusText.trim() || REASON_PHRASES[status] || "";
  return reason === "" ? String(status) : `${status} ${reason}`;
}

/** A response's headers as name-value pairs, whichever form {@link ResponseLike} allows them in. */
function headerEntries(headers: ResponseLike["headers"]): Iterable<readonly [string, string]> {
  if (headers instanceof Headers) return headers;
  if (typeof headers !== "object" || headers === null) throw notAResponse("it has no headers");
  // Any other implementation of Headers is iterable; a plain object is not.
  if (Symbol.iterator in headers) return new Headers([...(headers as Iterable<[string, string]>)]);
  return new Headers(headers as Record<string, string>);
}

/**
 * The `ResponseHeaders` event for a `Response`: its status line and every header in order,
 * each `Set-Cookie` on its own line, without hop-by-hop headers (which belong to the web
 * server's connection, not the application's) and without `Status` (which SCGI reserves).
 * A {@link localRedirect} becomes status `null` and its `Location` alone.
 *
 * @param response - A `Response`, or another object of its shape (see {@link ResponseLike}).
 * @throws `InvalidStatusError` (from `sioscgi`) if the status text holds a character a status line cannot.
 * @throws `TypeError` if `response` is not a {@link ResponseLike} (no integer status from
 *   200 to 599, no headers), or a header is one a `Headers` refuses.
 * @throws `InvalidResponseContentLengthError` (from `sioscgi`) if the `Content-Length`
 *   is not one whole number (a `Headers` joins two into one value, `"5, 6"`).
 *
 * @example
 * ```ts
 * const headers = toResponseHeaders(
 *   new Response("created", { status: 201, headers: { "content-type": "text/plain", connection: "close" } }),
 * );
 * headers.status; // "201 Created": the standard reason phrase, as statusText is empty
 * headers.contentType; // "text/plain"
 * headers.otherHeaders; // []: Connection is hop-by-hop, so it is dropped
 * ```
 */
export function toResponseHeaders(response: ResponseLike): ResponseHeaders {
  if (LOCAL_REDIRECTS.has(response))
    return new ResponseHeaders(null, [["Location", (response as Response).headers.get("location") ?? ""]]);
  const status = statusLine(response);
  const fields: [string, string][] = [];
  for (const [name, value] of headerEntries(response.headers)) {
    // Headers yields lower-cased names.
    const kind = classifyField(name);
    if (kind !== "hop-by-hop" && kind !== "status") fields.push([name, value]);
  }
  return new ResponseHeaders(status, fields);
}

/**
 * Options of {@link responseEvents}.
 *
 * @example
 * <!-- typecheck: declare const request: Request; declare const response: Response; declare const conn: import("sioscgi").SCGIConnection; declare const socket: import("node:net").Socket; -->
 * ```ts
 * const controller = new AbortController(); // abort it when the client goes away
 * const withoutBody = request.method === "HEAD"; // the headers of a GET, and no body
 * for await (const event of responseEvents(response, { signal: controller.signal, withoutBody })) {
 *   const bytes = conn.send(event);
 *   if (bytes !== null) socket.write(bytes);
 * }
 * socket.end();
 * ```
 */
export interface ResponseEventsOptions {
  /**
   * Aborting it cancels the response body and ends the iteration without a
   * `ResponseEnd`: abort it when the client goes away, so that the body's source stops.
   */
  readonly signal?: AbortSignal;
  /** Yield no body (and cancel it), as for the answer to a HEAD request. */
  readonly withoutBody?: boolean;
}

const UTF8 = new TextEncoder();

/** What a body, or one chunk of a body stream, is as bytes: see {@link ResponseLike}. */
function bytesOf(chunk: unknown): Uint8Array | null {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return UTF8.encode(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  return null;
}

/** A body chunk as bytes, or the `TypeError` that fails the response. */
function chunkBytes(chunk: unknown): Uint8Array {
  const bytes = bytesOf(chunk);
  if (bytes === null) {
    const kind = chunk === null ? "null" : typeof chunk === "object" ? chunk.constructor?.name : typeof chunk;
    throw new TypeError(`A response body chunk must be bytes or a string, not ${kind ?? "an object"}`);
  }
  return bytes;
}

/** The part of a web stream reader that {@link responseEvents} uses. */
interface ChunkReader {
  read(): Promise<{ done: boolean; value?: unknown }>;
  cancel(): Promise<void>;
}

/**
 * What the events' body comes from: a reader of the body stream, the body's bytes when it
 * was given whole, or `null` for none.
 */
function bodySource(body: ResponseLike["body"], withoutBody: boolean): ChunkReader | Uint8Array | null {
  if (body === null || body === undefined) return null;
  const whole = bytesOf(body);
  if (whole !== null) return withoutBody ? null : whole;
  const stream = body as { getReader?: unknown; cancel?: unknown };
  if (typeof stream.getReader !== "function") throw notAResponse("its body is not a stream, bytes or a string");
  if (withoutBody) {
    cancelQuietly(body as ReadableStream);
    return null;
  }
  return (body as ReadableStream).getReader() as ChunkReader;
}

/** Cancels a stream or reader, ignoring whatever that fails with (it is locked, or errored already). */
function cancelQuietly(cancellable: { cancel(): Promise<void> } | null): void {
  try {
    cancellable?.cancel().catch(() => {});
  } catch {
    // A stream of another implementation that throws rather than rejects.
  }
}

/**
 * Turns a web `Response` (or another object of its shape: see {@link ResponseLike}) into
 * the events to `send`: a `ResponseHeaders` (see {@link toResponseHeaders}), a
 * `ResponseBody` for each non-empty chunk of its body as the body streams, and a
 * `ResponseEnd`. Chunks that are strings are sent as UTF-8, and any kind of bytes as they
 * are. Stopping the iteration early cancels the body.
 *
 * @throws `TypeError` on the first step, before any event, if `response` is not a
 *   {@link ResponseLike} or its body cannot be read (a `Response` whose body was already
 *   used, or is locked); later, if a chunk is neither bytes nor a string (the body is
 *   cancelled).
 *
 * @example
 * <!-- typecheck:
 * declare const app: (request: Request) => Promise<Response>;
 * declare const request: Request;
 * declare const conn: import("sioscgi").SCGIConnection;
 * declare function write(bytes: Uint8Array): Promise<void>;
 * -->
 * ```ts
 * for await (const event of responseEvents(await app(request))) {
 *   const bytes = conn.send(event);
 *   if (bytes !== null) await write(bytes);
 * }
 * ```
 */
export async function* responseEvents(
  response: ResponseLike,
  options: ResponseEventsOptions = {},
): AsyncGenerator<ResponseEvent, void, undefined> {
  const { signal, withoutBody = false } = options;
  if (typeof response !== "object" || response === null) throw notAResponse(typeof response);
  // Taken before anything is yielded, so that an unreadable body fails before the headers.
  const source = bodySource(response.body, withoutBody);
  const reader = source instanceof Uint8Array ? null : source;
  const cancel = (): void => cancelQuietly(reader);
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    yield toResponseHeaders(response);
    if (source instanceof Uint8Array) {
      if (source.length > 0) yield new ResponseBody(source);
    } else if (reader !== null) {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        const bytes = chunkBytes(chunk.value);
        if (bytes.length > 0) yield new ResponseBody(bytes);
      }
    }
    if (signal?.aborted) return;
    yield new ResponseEnd();
  } finally {
    signal?.removeEventListener("abort", cancel);
    // Releases the body's source when the consumer stops early; a no-op once it is done.
    cancel();
  }
}

/**
 * The web `Response` for response headers an SCGI client read, and its body: the inverse
 * of {@link toResponseHeaders}. The status code and reason come from `headers.status`, and
 * `Content-Type`, `Location` and the other headers become the `Response`'s headers.
 *
 * @param headers - Response headers with a status, as a client's reader produces them.
 * @param body - The body, or `null` for none (required for 204, 205 and 304, which a
 *   `Response` refuses a body for).
 * @throws `TypeError` if `headers.status` is `null` (a server-side local redirect, which
 *   has no HTTP status), or the `Response` constructor refuses the body for the status.
 *
 * @example
 * <!-- typecheck: declare const bytes: Uint8Array; -->
 * ```ts
 * import { decodeResponse } from "sioscgi";
 * import { toResponse } from "sioscgi/fetch";
 *
 * const { headers, body } = decodeResponse(bytes);
 * const response = toResponse(headers, new Blob([body.slice()]).stream());
 * ```
 */
export function toResponse(headers: ResponseHeaders, body: ReadableStream<Uint8Array> | null): Response {
  const { status } = headers;
  if (status === null) throw new TypeError("toResponse needs response headers with a status");
  const fields = new Headers();
  if (headers.contentType !== null) fields.append("content-type", headers.contentType);
  if (headers.location !== null) fields.append("location", headers.location);
  for (const [name, value] of headers.otherHeaders) fields.append(name, value);
  return new Response(body, { status: statusCode(status), statusText: status.slice(4), headers: fields });
}
