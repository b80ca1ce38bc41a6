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

const LOCAL_REDIRECTS = new WeakSet<Response>();

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

/**
 * The status line for a `Response`: its status and `statusText`, or the standard reason
 * phrase when `statusText` is empty.
 */
function statusLine(response: Response): string {
  // A status text may have spaces and tabs around it; a Status header value may not.
  const reason = response.statusText.trim() || REASON_PHRASES[response.status] || "";
  return reason === "" ? String(response.status) : `${response.status} ${reason}`;
}

/**
 * The `ResponseHeaders` event for a `Response`: its status line and every header in order,
 * each `Set-Cookie` on its own line, without hop-by-hop headers (which belong to the web
 * server's connection, not the application's) and without `Status` (which SCGI reserves).
 * A {@link localRedirect} becomes status `null` and its `Location` alone.
 *
 * @throws `InvalidStatusError` (from `sioscgi`) if the status text holds a character a status line cannot.
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
export function toResponseHeaders(response: Response): ResponseHeaders {
  if (LOCAL_REDIRECTS.has(response))
    return new ResponseHeaders(null, [["Location", response.headers.get("location") ?? ""]]);
  const fields: [string, string][] = [];
  for (const [name, value] of response.headers) {
    // Headers yields lower-cased names.
    const kind = classifyField(name);
    if (kind !== "hop-by-hop" && kind !== "status") fields.push([name, value]);
  }
  return new ResponseHeaders(statusLine(response), fields);
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

/**
 * Turns a web `Response` into the events to `send`: a `ResponseHeaders` (see
 * {@link toResponseHeaders}), a `ResponseBody` for each non-empty chunk of its body as the
 * body streams, and a `ResponseEnd`. Stopping the iteration early cancels the body.
 *
 * @throws `TypeError` on the first step, before any event, if the body cannot be read (a
 *   `Response` whose body was already used, or is locked).
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
  response: Response,
  options: ResponseEventsOptions = {},
): AsyncGenerator<ResponseEvent, void, undefined> {
  const { signal, withoutBody = false } = options;
  if (withoutBody) void response.body?.cancel().catch(() => {});
  // Taken before anything is yielded, so that an unreadable body fails before the headers.
  const reader = withoutBody ? null : (response.body?.getReader() ?? null);
  const cancel = (): void => {
    void reader?.cancel().catch(() => {});
  };
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    yield toResponseHeaders(response);
    if (reader !== null) {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        if (chunk.value.length > 0) yield new ResponseBody(chunk.value);
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
