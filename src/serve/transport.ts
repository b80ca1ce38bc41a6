/**
 * What the serving driver needs of a connection, and what it tells the connection's owner.
 *
 * Strategy: the smallest surface the three runtimes' sockets can all provide, so that one
 * driver (exchange.ts) serves them all. A transport turns its socket's events into calls
 * on {@link TransportEvents} and the driver's decisions into socket calls; it decides
 * nothing itself.
 *
 * @module
 * @internal
 */

/** What a transport reports to the driver, in the order the socket sees it. */
export interface TransportEvents {
  /**
   * Bytes arrived, or the peer half-closed (an empty array). The bytes must stay
   * unchanged afterwards: request body events are views into them.
   */
  receive(chunk: Uint8Array): void;
  /** Everything written so far has been handed to the system: write on. */
  drained(): void;
  /** The idle timeout set with {@link Transport.setIdleTimeout} expired. */
  timedOut(): void;
  /** The connection is closed (both ways, reset or destroyed); nothing more follows. */
  closed(): void;
}

/** One connection, as the driver drives it. */
export interface Transport {
  /** Whether the connection is closed or destroyed: anything written now is lost. */
  readonly closed: boolean;
  /** Stops delivering received bytes until {@link resume}: the reading half of backpressure. */
  pause(): void;
  /** Delivers received bytes again. Harmless when not paused. */
  resume(): void;
  /**
   * Queues bytes to send.
   *
   * @returns `false` when the queue is full: wait for {@link TransportEvents.drained}
   *   before writing more (the writing half of backpressure).
   */
  write(bytes: Uint8Array): boolean;
  /**
   * Holds what is written until the current turn of the event loop ends, so that a
   * response's header block and its first body chunk leave in one packet.
   */
  cork(): void;
  /** Sends what is queued, then half-closes; reading goes on until the peer closes. */
  end(): void;
  /** Closes at once, dropping anything unsent. */
  destroy(): void;
  /**
   * Closes at once so that the peer sees an error rather than the end of a response: a
   * TCP reset where the runtime can send one. A FIN is how a complete SCGI response ends,
   * so a response cut short must not end with one.
   */
  reset(): void;
  /**
   * Arms the idle timeout: {@link TransportEvents.timedOut} once the connection has seen
   * no traffic either way for `milliseconds`. `0` disarms it.
   */
  setIdleTimeout(milliseconds: number): void;
}

/** Makes the transport of one connection, given the driver that listens to it. */
export type OpenTransport = (events: TransportEvents) => Transport;
