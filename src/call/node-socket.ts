/**
 * `scgiRequest`: one SCGI exchange over Node's `node:net`, which Deno and Bun provide too.
 *
 * Strategy: this file is only the binding of a `net.Socket` to the runtime-neutral
 * exchange (`exchange.ts`); every rule of the call lives there.
 *
 * @module
 */

import net from "node:net";
import { type CallConnection, type Connect, exchange } from "./exchange.js";
import type { SCGIRequestInit } from "./request.js";
import type { SCGITarget } from "./target.js";

export {
  ConnectionClosedError,
  ConnectionRefusedError,
  ConnectionResetError,
  RequestAbortedError,
  RequestTimeoutError,
  TransportError,
  type TransportErrorCode,
} from "./errors.js";
export type { SCGIRequestInit } from "./request.js";
export type { SCGITarget } from "./target.js";

/** Opens a `net.Socket` to the target and reports its events to the listener. */
const connectNode: Connect = (target, listener) => {
  const socket = "path" in target ? net.connect(target.path) : net.connect(target.port, target.host);
  socket.on("connect", () => listener.connected());
  // A plain view, not a Buffer: the Response's body hands web code web types.
  socket.on("data", (chunk: Buffer) => listener.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
  socket.on("end", () => listener.end());
  socket.on("error", (error) => listener.failed(error));
  const connection: CallConnection = {
    write: (bytes) =>
      new Promise((resolve) => {
        if (socket.write(bytes)) {
          resolve();
          return;
        }
        const done = (): void => {
          socket.off("drain", done).off("close", done);
          resolve();
        };
        socket.on("drain", done).on("close", done);
      }),
    end: () => socket.end(),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close: () => socket.destroy(),
  };
  return connection;
};

/**
 * Sends one request to an SCGI server and resolves to its response, as `fetch` does for
 * HTTP: rTorrent's XML-RPC interface, uWSGI's `--scgi-socket`, or any SCGI application.
 *
 * The request goes out as the client's writer encodes it: `CONTENT_LENGTH` first, `SCGI`
 * `1` second, then the environment's variables, then the body. The response is parsed by
 * the client's reader as it arrives: the `Response` resolves as soon as the header block is
 * complete, with its status and reason from `Status` (or an NPH status line), its headers
 * without hop-by-hop ones, and its body streaming with backpressure (a chunked body
 * decoded). The connection closes when the body has been read to the end, cancelled, or
 * has failed.
 *
 * Runs on Node 18+, and on Deno and Bun through their `node:net`.
 *
 * @param target - Where the server listens: `"host:port"`, `"unix:/path"`, `{ host, port }`
 *   or `{ path }`.
 * @param init - The environment, body, timeout and signal; see {@link SCGIRequestInit}.
 * @returns The response. Once it has resolved, the same failures error its body instead.
 * @throws (rejects with) `TypeError` or `RangeError` for a bad target, body or option, and
 *   a `LocalProtocolError` leaf (from `sioscgi`) for an environment that cannot be sent or
 *   a body that does not match `CONTENT_LENGTH`, all before connecting;
 *   {@link ConnectionRefusedError} if nothing listens at the target;
 *   {@link ConnectionResetError} or {@link ConnectionClosedError} if the server fails or
 *   closes the connection before a complete header block (the message says it may have
 *   refused the request, as servers do with one over their size limit);
 *   {@link RequestTimeoutError} when `timeout` runs out; {@link RequestAbortedError} when
 *   `signal` aborts; a `RemoteProtocolError` leaf (from `sioscgi`, `httpStatus` 502) for a
 *   malformed response.
 *
 * @example
 * ```ts
 * import { scgiRequest } from "sioscgi/node";
 *
 * const response = await scgiRequest("127.0.0.1:5000", {
 *   environment: { REQUEST_URI: "/RPC2", CONTENT_TYPE: "text/xml" },
 *   body: "<?xml version='1.0'?><methodCall><methodName>system.client_version</methodName></methodCall>",
 *   timeout: 5000,
 * });
 * console.log(response.status, await response.text());
 * ```
 */
export function scgiRequest(target: SCGITarget, init?: SCGIRequestInit): Promise<Response> {
  return exchange(connectNode, target, init);
}
