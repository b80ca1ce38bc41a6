/**
 * This library's SCGI client over a real socket, as an application would drive it: the
 * request's events written as SCGIClientConnection returns their bytes, the write side
 * half-closed after RequestEnd, every chunk read fed in, and EOF when the server closes.
 */

import net from "node:net";
import {
  type EnvironmentInit,
  type ProtocolError,
  RequestBody,
  RequestEnd,
  RequestHeaders,
  ResponseBody,
  type ResponseEvent,
  ResponseHeaders,
  SCGIClientConnection,
} from "../../src/index.js";

/** What a call got back. */
export interface SCGIResult {
  /** The response's status and headers, if they arrived. */
  readonly headers: ResponseHeaders | undefined;
  /** The body bytes received. */
  readonly body: Buffer;
  /** Whether the response ended normally (ResponseEnd at EOF). */
  readonly complete: boolean;
  /** The protocol error the client met, if any. */
  readonly error: ProtocolError | undefined;
  /** The socket's error (a reset, say), if any. */
  readonly socketError: NodeJS.ErrnoException | undefined;
  /** How many bytes the server sent. */
  readonly received: number;
}

/** Bytes per RequestBody event, so that a large body goes out in several. */
const BODY_CHUNK = 64 * 1024;

/** Sends one request to the SCGI server on `port` and reads its response until the server closes. */
export function callSCGI(
  port: number,
  environment: EnvironmentInit,
  body: Uint8Array = new Uint8Array(0),
): Promise<SCGIResult> {
  const conn = new SCGIClientConnection();
  const events: ResponseEvent[] = [];
  let error: ProtocolError | undefined;
  let socketError: NodeJS.ErrnoException | undefined;
  let received = 0;
  const drain = (): void => {
    try {
      for (const event of conn.events()) events.push(event);
    } catch (caught) {
      error ??= caught as ProtocolError;
    }
  };
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("data", (chunk: Buffer) => {
      received += chunk.length;
      conn.receiveData(chunk);
      drain();
    });
    socket.on("end", () => {
      conn.receiveData(new Uint8Array(0));
      drain();
    });
    socket.on("error", (caught: NodeJS.ErrnoException) => {
      socketError = caught;
    });
    socket.on("close", () => {
      const headers = events.find((event) => event instanceof ResponseHeaders);
      const bodies = events.filter((event) => event instanceof ResponseBody).map((event) => event.data);
      const complete = events.at(-1)?.type === "ResponseEnd";
      resolve({ headers, body: Buffer.concat(bodies), complete, error, socketError, received });
    });
    socket.write(conn.send(new RequestHeaders(environment)) as Uint8Array);
    for (let offset = 0; offset < body.length; offset += BODY_CHUNK) {
      socket.write(conn.send(new RequestBody(body.subarray(offset, offset + BODY_CHUNK))) as Uint8Array);
    }
    conn.send(new RequestEnd());
    socket.end();
  });
}
