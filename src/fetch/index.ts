/**
 * `sioscgi/fetch`: the web-standard `Request` and `Response` on top of the core.
 *
 * Two pure translations each way, with no I/O, so they run wherever `Request`, `Response`,
 * `Headers` and `ReadableStream` exist (Node 18+, Deno, Bun, browsers).
 *
 * @module sioscgi/fetch
 */

export type { Handler } from "./handler.js";
export { requestEnvironment, type ToRequestOptions, toRequest } from "./request.js";
export {
  localRedirect,
  type ResponseEventsOptions,
  type ResponseLike,
  responseEvents,
  toResponse,
  toResponseHeaders,
} from "./response.js";
