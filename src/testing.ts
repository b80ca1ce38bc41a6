/**
 * `sioscgi/testing`: an SCGI application run in memory, through the real protocol code.
 *
 * Strategy: play both ends of one SCGI connection in one function. The web `Request`
 * becomes an environment such as nginx sends (its `scgi_params`), which the client's
 * writer encodes; the bytes go to a server-side `SCGIConnection`, whose events become the
 * handler's `Request` through `toRequest`, as `sioscgi/node` does it; the handler's
 * `Response` goes through `responseEvents` and the server's `send`, and the client's
 * reader parses those bytes back into a `Response`. Every byte crosses the same encoders
 * and parsers as on a socket, so what passes here passes the protocol; but there is no
 * socket, no timer and no `node:` module, so it runs in any runtime with the fetch API.
 * The response body streams: each read pulls the next chunk through both halves.
 *
 * @module sioscgi/testing
 */

import { SCGIClientConnection } from "./client/connection.js";
import { type EnvironmentInit, toEnvironment } from "./core/environment.js";
import { RequestBody, RequestEnd, RequestHeaders, type ResponseEvent, type ResponseHeaders } from "./core/events.js";
import { isBodilessStatus, statusCode } from "./core/header-rules.js";
import { type Handler, requestEnvironment, responseEvents, toRequest, toResponse } from "./fetch/index.js";
import { SCGIConnection, type SCGIConnectionOptions } from "./server/connection.js";

/**
 * Options of {@link serveInMemory}.
 *
 * @example
 * <!-- typecheck: declare const app: import("sioscgi/fetch").Handler; -->
 * ```ts
 * const response = await serveInMemory(app, new Request("http://app.test/admin"), {
 *   environment: { REMOTE_ADDR: "203.0.113.7" }, // as if from another address than 127.0.0.1
 *   rxBufferLimit: 4096, // the server's options apply too
 * });
 * ```
 */
export interface ServeInMemoryOptions extends SCGIConnectionOptions {
  /**
   * Variables to add to the environment made from the request, or to replace in it: a
   * `REMOTE_ADDR`, an `HTTPS`, anything a web server would pass. Given as `RequestHeaders`
   * takes an environment.
   */
  readonly environment?: EnvironmentInit;
}

const EOF = new Uint8Array(0);

/**
 * Runs a fetch-style SCGI application on one request, in memory, through the real
 * protocol: the `Request` is encoded as SCGI bytes by the client side of this library,
 * parsed by its server side and handed to `handler` as `createServer` in `sioscgi/node`
 * would; the handler's `Response` is encoded as SCGI bytes and parsed back by the client
 * side. No socket is opened. This is the way to unit-test an SCGI application.
 *
 * The handler sees the environment nginx would send for the request (`REQUEST_METHOD`,
 * `REQUEST_URI`, `QUERY_STRING`, `SERVER_NAME`, `SERVER_PORT`, `REMOTE_ADDR` 127.0.0.1,
 * `HTTP_*` for every header...), with `options.environment` on top. As with
 * `sioscgi/node`, a response to HEAD arrives without its body. Unlike it, a handler that
 * throws makes this function reject with that error (a server would answer 500), so that a
 * test sees what went wrong.
 *
 * @param handler - The application, as `createServer` takes it.
 * @param request - The request to make. Its body is read whole first.
 * @param options - Extra variables, and the server's options (`rxBufferLimit`, ...).
 * @returns The response, as a client reads it from the SCGI bytes: status, headers (hop-by-hop
 *   ones dropped, as the client drops them) and a body that streams.
 * @throws `ProtocolError` (from `sioscgi`) if either side refuses what it is given: a
 *   `LocalProtocolError` from `ResponseHeaders` for a response SCGI cannot carry (such as
 *   `localRedirect("")`), a `RemoteProtocolError` from the server side for a request over
 *   its limits (`rxBufferLimit`), or, as the body is read, one from the client side for a
 *   malformed response (a `Content-Length` the body does not match).
 * @throws whatever the handler throws, and `TypeError` if it returns something other than a `Response`.
 *
 * @example
 * <!-- typecheck: declare const app: import("sioscgi/fetch").Handler; -->
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveInMemory } from "sioscgi/testing";
 *
 * // app: the handler, (request, scgi) => Response, as given to createServer
 *
 * const response = await serveInMemory(app, new Request("http://app.test/hello?name=Ada"));
 * assert.equal(response.status, 200);
 * assert.equal(await response.text(), "Hello, Ada\n");
 * ```
 */
export async function serveInMemory(
  handler: Handler,
  request: Request,
  options: ServeInMemoryOptions = {},
): Promise<Response> {
  const { environment: extra = [], ...connectionOptions } = options;
  const client = new SCGIClientConnection();
  const server = new SCGIConnection(connectionOptions);
  const body = new Uint8Array(await request.arrayBuffer());
  const environment = requestEnvironment(request, body.length);
  for (const [name, value] of toEnvironment(extra)) environment.set(name, value);

  // The request: client side to bytes, bytes to the server side, as one connection.
  server.receiveData(client.send(new RequestHeaders(environment)) as Uint8Array);
  if (body.length > 0) server.receiveData(client.send(new RequestBody(body)) as Uint8Array);
  client.send(new RequestEnd());
  server.receiveData(EOF);
  let received: RequestHeaders | undefined;
  let receivedBody: Uint8Array | null = null;
  for (const event of server.events()) {
    // The body came in one chunk, so there is at most one body event.
    if (event.type === "RequestHeaders") received = event;
    else if (event.type === "RequestBody") receivedBody = event.data;
  }
  // The server side read a whole request without error, so it has queued its headers.
  const headers = received as RequestHeaders;
  const response = await handler(toRequest(headers, receivedBody ?? new Uint8Array(0)), headers);

  // The response: each event through the server side's send, its bytes into the client
  // side. Each event's bytes make exactly one client event: the headers' bytes are a whole
  // header block, a body event's are never empty, and the end's null is the EOF that
  // completes the response.
  const events = responseEvents(response, { withoutBody: request.method === "HEAD" });
  const next = async (): Promise<ResponseEvent> => {
    // Never done here: ResponseEnd comes last, and nothing is asked after it.
    const { value } = await events.next();
    client.receiveData(server.send(value as ResponseEvent) ?? EOF);
    return client.nextEvent() as ResponseEvent;
  };
  const responseHeaders = (await next()) as ResponseHeaders;
  // A Response with a bodiless status cannot have a body, not even an empty stream.
  if (isBodilessStatus(statusCode(responseHeaders.status as string))) {
    // A Response with such a status has no body, so the next event is the end; it is
    // still run through both sides, for their checks.
    await next();
    return toResponse(responseHeaders, null);
  }
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const event = await next();
      if (event.type === "ResponseBody") controller.enqueue(event.data);
      else controller.close();
    },
    async cancel() {
      await events.return(undefined);
    },
  });
  return toResponse(responseHeaders, stream);
}
