/**
 * The answers a server gives by itself, without the application: shared by every server
 * entry point, so that each says the same and none encodes a response by hand.
 *
 * @module
 * @internal
 */

import type { RemoteProtocolError } from "../core/errors.js";
import { ResponseHeaders } from "../core/events.js";
import { REASON_PHRASES } from "../fetch/reason-phrases.js";
import { encodeResponse } from "../server/one-shot.js";

const PLAIN_TEXT = [["Content-Type", "text/plain; charset=utf-8"]] as const;

/** The answer when the handler fails before anything was sent: a plain 500 that says nothing of the error. */
export const INTERNAL_SERVER_ERROR = encodeResponse(
  new ResponseHeaders("500 Internal Server Error", PLAIN_TEXT),
  new TextEncoder().encode("Internal Server Error\n"),
);

/**
 * The answer to a malformed request: the status its error suggests, and its message (a
 * fixed text that quotes the offending bytes escaped and truncated, safe to show).
 */
export function refusal(error: RemoteProtocolError): Uint8Array {
  const status = `${error.httpStatus} ${REASON_PHRASES[error.httpStatus]}`;
  return encodeResponse(new ResponseHeaders(status, PLAIN_TEXT), new TextEncoder().encode(`${error.message}\n`));
}
