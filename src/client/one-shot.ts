/**
 * One-shot helpers: a whole request to bytes, whole response bytes to a value.
 *
 * Strategy: thin wrappers over the client's two halves, for code that has the whole
 * message at hand (an XML-RPC call, a test): the same checks and errors as the streaming
 * API, with none of its bookkeeping.
 *
 * @module
 */

import { writeLatin1 } from "../core/bytes.js";
import type { EnvironmentInit } from "../core/environment.js";
import { RequestBody, RequestEnd, RequestHeaders, type ResponseHeaders } from "../core/events.js";
import { statusCode } from "../core/header-rules.js";
import { SCGIClientWriter } from "./request-writer.js";
import { SCGIClientReader, type SCGIClientReaderOptions } from "./response-reader.js";

/** A whole response, as {@link decodeResponse} returns it. */
export interface DecodedResponse {
  /** The status code, such as `200` (`headers.status` has the whole status, such as `"200 OK"`). */
  readonly status: number;
  /** The status and headers, as a client's `nextEvent` gives them. */
  readonly headers: ResponseHeaders;
  /** The body: a view into the bytes given, or an empty array. */
  readonly body: Uint8Array;
}

/**
 * Encodes a whole SCGI request: the environment netstring (`CONTENT_LENGTH` first, `SCGI`
 * `1` second, then the variables in order) followed by the body.
 *
 * @param environment - The variables, as `RequestHeaders` takes them. Without a
 *   `CONTENT_LENGTH`, the body's length is used; with one, it must equal the body's length.
 * @param body - The request body.
 * @returns The bytes to write to an SCGI server before half-closing the connection.
 * @throws as `new RequestHeaders(environment)` and `SCGIClientWriter.send` do: a
 *   {@link LocalProtocolError} for an environment that cannot be sent, a
 *   {@link BodyLengthMismatchError} when `CONTENT_LENGTH` and the body disagree.
 *
 * @example
 * ```ts
 * const body = new TextEncoder().encode("<?xml version=\"1.0\"?><methodCall>...</methodCall>");
 * socket.end(encodeRequest({ REQUEST_METHOD: "POST", REQUEST_URI: "/RPC2" }, body));
 * ```
 */
export function encodeRequest(environment: EnvironmentInit, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const headers = new RequestHeaders(environment);
  if (!headers.environment.has("CONTENT_LENGTH")) {
    const digits = String(body.length);
    const contentLength = new Uint8Array(digits.length);
    writeLatin1(digits, contentLength, 0);
    headers.environment.set("CONTENT_LENGTH", contentLength);
  }
  const writer = new SCGIClientWriter();
  const head = writer.send(headers) as Uint8Array;
  writer.send(new RequestBody(body));
  writer.send(new RequestEnd());
  const request = new Uint8Array(head.length + body.length);
  request.set(head);
  request.set(body, head.length);
  return request;
}

/**
 * Decodes a whole SCGI response: everything the server sent before it closed the
 * connection.
 *
 * @param bytes - The response bytes, all of them.
 * @param options - The reader's options: `rxBufferLimit`, and `requestMethod` when the
 *   request was HEAD.
 * @returns The status code, the `ResponseHeaders` and the body.
 * @throws {@link RemoteProtocolError} (a leaf class of it) if the response is malformed or
 *   incomplete.
 *
 * @example
 * ```ts
 * const { status, headers, body } = decodeResponse(bytes);
 * if (status !== 200) throw new Error(`server answered ${headers.status}`);
 * ```
 */
export function decodeResponse(bytes: Uint8Array, options: SCGIClientReaderOptions = {}): DecodedResponse {
  const reader = new SCGIClientReader(options);
  if (bytes.length > 0) reader.receiveData(bytes);
  reader.receiveData(new Uint8Array(0));
  let headers: ResponseHeaders | undefined;
  let body: Uint8Array = new Uint8Array(0);
  for (const event of reader.events()) {
    // The bytes came in one chunk, so there is at most one body event, a view into them.
    if (event.type === "ResponseHeaders") headers = event;
    else if (event.type === "ResponseBody") body = event.data;
  }
  // A reader that reached EOF without an error has queued its headers.
  const { status } = headers as ResponseHeaders;
  return { status: statusCode(status as string), headers: headers as ResponseHeaders, body };
}
