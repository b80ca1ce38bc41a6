/**
 * One-shot helper of the server side: a whole response to bytes.
 *
 * Strategy: the mirror of the client's `encodeRequest`, for a response known whole in
 * advance (an error page, a fixed answer): the same checks as the streaming API, through
 * a writer of its own, so that it works even where the connection's writer is broken or
 * already used.
 *
 * @module
 */

import { ResponseBody, ResponseEnd, type ResponseHeaders } from "../core/events.js";
import { SCGIWriter } from "./response-writer.js";

/**
 * Encodes a whole SCGI response: the header block, then the body. The headers are sent as
 * given (no `Content-Length` is added: the end of an SCGI response is the end of the
 * connection).
 *
 * A malformed request leaves its `SCGIConnection` unable to send; this encodes the answer
 * to it without one.
 *
 * @param headers - The status and headers.
 * @param body - The body; leave it out (or empty) for none.
 * @returns The bytes to write before closing the connection.
 * @throws {@link BadEventInStateError} if `body` is not empty and `headers.status` is
 *   `null` (a local redirect has no body).
 * @throws `TypeError` if `body` is not a `Uint8Array`.
 *
 * @example
 * ```ts
 * import { encodeResponse, RemoteProtocolError, ResponseHeaders } from "sioscgi";
 *
 * // conn.nextEvent() threw a RemoteProtocolError: answer it, then close.
 * function refuse(socket: { end(bytes: Uint8Array): void }, error: RemoteProtocolError): void {
 *   const headers = new ResponseHeaders(String(error.httpStatus), [["Content-Type", "text/plain"]]);
 *   socket.end(encodeResponse(headers, new TextEncoder().encode(`${error.message}\n`)));
 * }
 * ```
 */
export function encodeResponse(headers: ResponseHeaders, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const writer = new SCGIWriter();
  const head = writer.send(headers) as Uint8Array;
  // Built even when empty, so that a body of the wrong type is refused either way.
  const event = new ResponseBody(body);
  if (body.length > 0) writer.send(event);
  writer.send(new ResponseEnd());
  const response = new Uint8Array(head.length + body.length);
  response.set(head);
  response.set(body, head.length);
  return response;
}
