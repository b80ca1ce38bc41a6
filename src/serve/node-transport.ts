/**
 * The {@link Transport} over a Node `net.Socket`.
 *
 * Strategy: a socket already has everything the driver needs (pause, buffered writes with
 * `drain`, cork, an idle timeout), so each method is one call.
 *
 * @module
 * @internal
 */

import type { Socket } from "node:net";
import { resetConnection } from "./reset.js";
import type { OpenTransport, Transport } from "./transport.js";

/**
 * Opens the transport of a connection accepted with `allowHalfOpen: true` (the request
 * ends with the client's half-close, and the response follows it).
 *
 * @internal
 */
export function nodeTransport(socket: Socket): OpenTransport {
  return (events) => {
    socket.on("data", (chunk: Buffer) => events.receive(chunk));
    socket.on("end", () => events.receive(new Uint8Array(0)));
    socket.on("drain", () => events.drained());
    socket.on("timeout", () => events.timedOut());
    socket.on("close", () => events.closed());
    // A socket error is followed by "close", which does the cleaning up.
    socket.on("error", () => {});
    const transport: Transport = {
      get closed() {
        return socket.destroyed;
      },
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      write: (bytes) => socket.write(bytes),
      cork: () => {
        socket.cork();
        setImmediate(() => socket.uncork());
      },
      end: () => socket.end(),
      destroy: () => socket.destroy(),
      // An RST over TCP; a plain close over a Unix socket, which has no reset.
      reset: () => resetConnection(socket),
      setIdleTimeout: (milliseconds) => socket.setTimeout(milliseconds),
    };
    return transport;
  };
}
