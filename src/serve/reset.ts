/**
 * Ending a connection at once so that its peer sees an error, on any socket.
 *
 * Strategy: duck-typed, so that the Node transport, `sioscgi/http` and shutdown share it
 * without importing `node:`. Node's `resetAndDestroy` sends a TCP reset, but throws (and
 * destroys nothing) on a socket that is not TCP, such as a Unix socket, which has no reset:
 * there a plain destroy is all there is, and the peer sees the stream end.
 *
 * @module
 * @internal
 */

/** What {@link resetConnection} needs of a connection. */
export interface Resettable {
  /** Node's sockets: sends a TCP reset; throws for a socket that is not TCP. */
  resetAndDestroy?(): unknown;
  destroy(): unknown;
}

/**
 * Ends `connection` at once, with a reset where the transport has one, and with a plain
 * destroy where it has none or refuses. Never throws.
 *
 * @internal
 */
export function resetConnection(connection: Resettable): void {
  try {
    if (connection.resetAndDestroy !== undefined) {
      connection.resetAndDestroy();
      return;
    }
  } catch {
    // Not TCP (a Unix socket): a plain close is all there is.
  }
  connection.destroy();
}
