/**
 * One SCGI exchange as a promise of a web `Response`, over any runtime's socket.
 *
 * Strategy: the runtime gives a {@link Connect}, a function that opens one connection and
 * reports what happens to it through a {@link ConnectionListener}; everything else is here,
 * in code that knows no runtime. The request is written as the socket takes it (a streamed
 * body is read only when the previous chunk has been taken), while whatever the server
 * sends is fed to the same `SCGIClientConnection` at once, so a server may answer before it
 * has read the whole body. The response's headers resolve the promise; its body is a
 * stream whose queue, when full, pauses the socket until the consumer reads on. Every way
 * the exchange can end (the response complete, an error, a timeout, an abort, the consumer
 * cancelling) goes through one `#finish`, which closes the connection and stops the timer,
 * so that none can leave a socket or a timer behind. Before the headers a failure rejects
 * the promise; after them it errors the body.
 *
 * @module
 */

import type { SCGIClientConnection } from "../client/connection.js";
import { IncompleteResponseError } from "../core/errors.js";
import { RequestBody, RequestEnd, type ResponseHeaders } from "../core/events.js";
import { isBodilessStatus, statusCode } from "../core/header-rules.js";
import { toResponse } from "../fetch/response.js";
import {
  ConnectionClosedError,
  ConnectionRefusedError,
  ConnectionResetError,
  RequestAbortedError,
  RequestTimeoutError,
} from "./errors.js";
import { prepareRequest, type SCGIRequestInit } from "./request.js";
import { type ResolvedTarget, resolveTarget, type SCGITarget } from "./target.js";

/**
 * One open connection to an SCGI server, as a runtime's socket binding provides it.
 *
 * @internal
 */
export interface CallConnection {
  /**
   * Writes bytes. Resolves when the socket can take more (at once if it has room), or when
   * the connection has closed; failures are reported to the listener, never here.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Half-closes the connection: the request is complete. */
  end(): void;
  /** Stops delivering received bytes until {@link resume}. */
  pause(): void;
  /** Delivers received bytes again. */
  resume(): void;
  /** Closes the connection at once, dropping anything unsent. */
  close(): void;
}

/**
 * What a socket binding reports about a connection it opened, each at most once but
 * `data`. After `end` or `failed`, nothing more.
 *
 * @internal
 */
export interface ConnectionListener {
  /** The connection is open. */
  connected(): void;
  /** Bytes from the server; the binding does not reuse them. */
  data(chunk: Uint8Array): void;
  /** The server closed its side: EOF. */
  end(): void;
  /** The runtime's socket error: before `connected`, the connection could not be opened. */
  failed(error: unknown): void;
}

/**
 * Opens a connection to `target` and reports to `listener`.
 *
 * @internal
 */
export type Connect = (target: ResolvedTarget, listener: ConnectionListener) => CallConnection;

/** Bytes of response body queued for the consumer before the socket is paused. */
const BODY_HIGH_WATER_MARK = 65536;

const EOF = new Uint8Array(0);

/** One call: its request, its connection, and the promise or body stream it settles. */
class Exchange implements ConnectionListener {
  readonly #target: ResolvedTarget;
  readonly #client: SCGIClientConnection;
  readonly #head: boolean;
  /** The bytes to write first, and a streamed body to send after them. */
  readonly #bytes: readonly Uint8Array[];
  readonly #stream: ReadableStream<Uint8Array> | null;
  readonly #resolve: (response: Response) => void;
  readonly #reject: (error: unknown) => void;
  #connection: CallConnection | null = null;
  /** A streamed request body being read, so that an early end can cancel it. */
  #bodyReader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  /** The response body's controller, once the headers have arrived and the body is wanted. */
  #body: ReadableStreamDefaultController<Uint8Array> | null = null;
  #connected = false;
  /** Whether the connection is paused because the body's queue is full. */
  #paused = false;
  /** Whether the promise has settled (resolved with headers, or rejected). */
  #responded = false;
  #finished = false;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.#fail(new RequestAbortedError(this.#signal?.reason));

  constructor(
    target: ResolvedTarget,
    init: SCGIRequestInit,
    resolve: (response: Response) => void,
    reject: (error: unknown) => void,
  ) {
    this.#target = target;
    this.#resolve = resolve;
    this.#reject = reject;
    const request = prepareRequest(init);
    this.#client = request.connection;
    this.#head = request.head;
    this.#bytes = request.bytes;
    this.#stream = request.stream;
    const { timeout } = request;
    this.#timer =
      timeout === undefined ? undefined : setTimeout(() => this.#fail(new RequestTimeoutError(timeout)), timeout);
    this.#signal = init.signal;
    this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Opens the connection through `connect` and starts writing the request. */
  run(connect: Connect): void {
    this.#connection = connect(this.#target, this);
    void this.#send(this.#connection);
  }

  connected(): void {
    this.#connected = true;
  }

  data(chunk: Uint8Array): void {
    if (this.#finished) return;
    this.#client.receiveData(chunk);
    this.#pump();
  }

  end(): void {
    if (this.#finished) return;
    this.#client.receiveData(EOF);
    this.#pump();
  }

  failed(error: unknown): void {
    const name = this.#target.name;
    this.#fail(
      this.#connected
        ? new ConnectionResetError(name, error, !this.#responded)
        : new ConnectionRefusedError(name, error),
    );
  }

  /**
   * Writes the request: the bytes ready, then a streamed body chunk by chunk as the socket
   * takes it, then the half-close. Stops wherever the exchange has ended meanwhile.
   */
  async #send(connection: CallConnection): Promise<void> {
    const reader = this.#stream?.getReader() ?? null;
    this.#bodyReader = reader;
    try {
      for (const part of this.#bytes) await connection.write(part);
      if (reader !== null) {
        for (let chunk = await reader.read(); !chunk.done && !this.#finished; chunk = await reader.read()) {
          const encoded = this.#client.send(new RequestBody(chunk.value)) as Uint8Array;
          if (encoded.length > 0) await connection.write(encoded);
        }
        if (!this.#finished) this.#client.send(new RequestEnd());
      }
      this.#bodyReader = null;
      if (!this.#finished) connection.end();
    } catch (error) {
      // The stream failed, or did not match its length: the request cannot be completed.
      this.#fail(error);
    }
  }

  /** Takes every response event the client connection has. */
  #pump(): void {
    try {
      for (const event of this.#client.events()) {
        if (event.type === "ResponseHeaders") this.#respond(event);
        else if (event.type === "ResponseEnd") this.#finish(() => this.#body?.close());
        else {
          // Body events come only after headers that made a body stream (else #respond finished).
          const body = this.#body as ReadableStreamDefaultController<Uint8Array>;
          body.enqueue(event.data);
          if ((body.desiredSize as number) <= 0 && !this.#paused) {
            this.#paused = true;
            this.#connection?.pause();
          }
        }
        if (this.#finished) return;
      }
    } catch (error) {
      // EOF before the header block: the server said nothing usable, most likely a refusal.
      this.#fail(
        error instanceof IncompleteResponseError && !this.#responded
          ? new ConnectionClosedError(this.#target.name, error)
          : error,
      );
    }
  }

  /** Resolves the call with the `Response` for `headers`. */
  #respond(headers: ResponseHeaders): void {
    this.#responded = true;
    if (this.#head || isBodilessStatus(statusCode(headers.status as string))) {
      // A Response refuses a body for the statuses without content (the fetch standard's
      // null body statuses the reader lets through), and nothing more is wanted from the server.
      this.#resolve(toResponse(headers, null));
      this.#finish(() => {});
      return;
    }
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#body = controller;
        },
        pull: () => {
          if (!this.#paused) return;
          this.#paused = false;
          this.#connection?.resume();
        },
        cancel: () => this.#finish(() => {}),
      },
      { highWaterMark: BODY_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
    );
    this.#resolve(toResponse(headers, body));
  }

  /** Ends the exchange with `error`: rejects the call, or errors the body once it has been resolved. */
  #fail(error: unknown): void {
    this.#finish(() => {
      if (!this.#responded) this.#reject(error);
      else this.#body?.error(error);
    });
  }

  /** Ends the exchange once: releases the connection, the timer, the signal and the request body, then `settle`s. */
  #finish(settle: () => void): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#connection?.close();
    // A request body not yet sent is not wanted any more: its source may stop.
    void this.#bodyReader?.cancel().catch(() => {});
    settle();
  }
}

/**
 * Sends one request to an SCGI server through `connect` and resolves to its response.
 * `scgiRequest` in `sioscgi/node` is this with Node's sockets.
 *
 * @internal
 */
export function exchange(connect: Connect, target: SCGITarget, init: SCGIRequestInit = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const resolved = resolveTarget(target);
    if (init.signal?.aborted) {
      void (init.body instanceof ReadableStream ? init.body.cancel() : undefined)?.catch(() => {});
      throw new RequestAbortedError(init.signal.reason);
    }
    new Exchange(resolved, init, resolve, reject).run(connect);
  });
}
