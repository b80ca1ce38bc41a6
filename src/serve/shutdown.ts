/**
 * Graceful shutdown for any server shaped like Node's `net.Server`: stop accepting at once,
 * let the connections in flight finish for a while, then end the rest so that their peers
 * see an error.
 *
 * Strategy: the server's own `connection` event tells which connections are open, and
 * each one's `close` event when it is done; nothing else of the server is touched, so the
 * same wrapper fits `sioscgi/node`'s server, a node:http server, or any other `net.Server`.
 * A connection ended early is reset rather than closed: over TCP a clean close after part of
 * an answer that has no length would let the web server pass the part on as the whole.
 * (A Unix socket has no reset; it is closed, and the web server sees the end of the stream.)
 *
 * @module
 */

import { timeoutOption } from "../core/timeouts.js";
import { resetConnection } from "./reset.js";

/** What shutdown needs of a connection: its end, and a way to end it at once. */
export interface ShutdownConnection {
  once(event: "close", listener: () => void): unknown;
  /** Node's sockets: sends a TCP reset; throws for a socket that is not TCP. */
  resetAndDestroy?(): unknown;
  destroy(): unknown;
}

/** What shutdown needs of a server: Node's `net.Server` (and `http.Server`) has it. */
export interface ShutdownServer {
  on(event: "connection", listener: (connection: ShutdownConnection) => void): unknown;
  /** Stops accepting; calls back once every connection has closed. */
  close(callback?: (error?: Error) => void): unknown;
}

/** What a shutdown did. */
export interface ShutdownReport {
  /** Connections still open when the timeout ran out, which were ended with an error. */
  readonly ended: number;
}

/** The methods {@link withShutdown} adds to a server. */
export interface GracefulServer {
  /**
   * Stops accepting connections at once, waits for those open to finish for up to
   * `timeout` milliseconds, then ends the rest with an error their peers see (a TCP reset).
   * Calling it again returns the first call's promise.
   *
   * @param timeout - Milliseconds to wait for connections in flight, up to 2^31-1 (about
   *   24.8 days, the longest a timer waits); 0 ends them at once; `Infinity` waits for
   *   them however long they take, as `close` does, and ends none.
   * @defaultValue 30000
   * @throws `RangeError` if `timeout` is negative, not a number, or finite and above 2^31-1.
   */
  shutdown(timeout?: number): Promise<ShutdownReport>;
  /** Ends every open connection now, as the shutdown timeout does, and returns how many. */
  closeAllConnections(): number;
}

/** The servers {@link withShutdown} has equipped, so that it equips none twice. */
const GRACEFUL = new WeakSet<ShutdownServer>();

/**
 * Adds {@link GracefulServer.shutdown} and {@link GracefulServer.closeAllConnections} to a
 * server, before it listens, and returns the same server.
 *
 * @param server - A server that has not accepted a connection yet.
 *
 * @example
 * ```ts
 * import * as net from "node:net";
 * import { withShutdown } from "sioscgi/node";
 *
 * // createServer's servers have it already; any other net.Server gets it so:
 * const server = withShutdown(net.createServer((socket) => socket.end("hello\n")));
 * server.listen(4000, "127.0.0.1");
 * process.once("SIGTERM", async () => {
 *   const { ended } = await server.shutdown(10_000);
 *   console.log(`stopped; ${ended} connections cut short`);
 * });
 * ```
 */
export function withShutdown<Server extends ShutdownServer>(server: Server): Server & GracefulServer {
  // The servers of sioscgi/node and sioscgi/http come with it: a second call changes nothing.
  if (GRACEFUL.has(server)) return server as Server & GracefulServer;
  GRACEFUL.add(server);
  const open = new Set<ShutdownConnection>();
  server.on("connection", (connection) => {
    open.add(connection);
    connection.once("close", () => open.delete(connection));
  });
  let stopping: Promise<ShutdownReport> | undefined;
  const closeAllConnections = (): number => {
    const count = open.size;
    for (const connection of open) resetConnection(connection);
    return count;
  };
  const shutdown = (timeout?: number): Promise<ShutdownReport> => {
    const milliseconds = timeoutOption("The shutdown timeout", timeout, 30_000, { zero: true, infinite: true });
    stopping ??= new Promise((resolve) => {
      let ended = 0;
      // No timer for Infinity: a timer turns it into 1 ms.
      const timer =
        milliseconds === Number.POSITIVE_INFINITY
          ? undefined
          : setTimeout(() => {
              // Counted first: a server may report itself closed as the last one ends.
              ended = open.size;
              closeAllConnections();
            }, milliseconds);
      // The callback comes once every connection has closed, or at once (with an error
      // that says so) if the server was not listening: either way nothing is left.
      server.close(() => {
        clearTimeout(timer);
        resolve({ ended });
      });
    });
    return stopping;
  };
  return Object.assign(server, { shutdown, closeAllConnections });
}
