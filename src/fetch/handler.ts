/**
 * The shape of a fetch-style SCGI application.
 *
 * @module
 */

import type { RequestHeaders } from "../core/events.js";
import type { ResponseLike } from "./response.js";

/**
 * A fetch-style request handler, as `createServer` in `sioscgi/node` serves it and
 * `serveInMemory` in `sioscgi/testing` runs it. `scgi` is the request's `RequestHeaders`,
 * for the CGI variables a `Request` has no place for (`REMOTE_ADDR`, `SERVER_PROTOCOL`, ...).
 *
 * It is typed as answering with a `Response`, which callers of a handler rely on; the
 * servers also take any object of the same shape (see {@link ResponseLike}), such as a
 * ponyfill's `Response`.
 */
export type Handler = (request: Request, scgi: RequestHeaders) => Response | Promise<Response>;
