/**
 * `sioscgi/node`: an SCGI server for Node in one call, serving a fetch-style handler.
 *
 * Strategy: one `Exchange` per connection drives one `SCGIConnection` from the
 * socket's events, hands the handler a `Request` whose body is a stream fed with
 * backpressure (the socket is paused while the handler's stream is full), and writes the
 * handler's `Response` with backpressure (waiting for `drain`). Everything a peer can do
 * (malformed bytes, a stall, a disconnect) ends in the connection being closed and the
 * handler's `request.signal` aborted; nothing a peer does can throw out of the server.
 *
 * @module
 */

import net from "node:net";
import { parseDecimal } from "./core/bytes.js";
import { type RequestEvent, type RequestHeaders, ResponseBody, ResponseEnd, ResponseHeaders } from "./core/events.js";
import { type Handler, responseEvents, toRequest } from "./fetch/index.js";
import { SCGIConnection, type SCGIConnectionOptions } from "./server/connection.js";
import { SCGIWriter } from "./server/response-writer.js";

// scgiRequest, its options and its errors: the client call, beside the server.
export * from "./call/node-socket.js";

// Defined beside the translations, so that `sioscgi/testing` can take the same handlers
// without importing anything of Node's.
export type { Handler } from "./fetch/index.js";

/** Options of {@link createServer}: the core's limits and policies, plus the server's. */
export interface ServerOptions extends SCGIConnectionOptions {
  /**
   * Milliseconds a client has, from connecting, to send the whole environment. A client
   * that takes longer is disconnected.
   *
   * @defaultValue 60000
   */
  readonly headersTimeout?: number;
  /**
   * Milliseconds the server waits for the client while it needs it: for the next body
   * bytes (unless the handler is not reading), or for the client to take response bytes.
   * A client idle that long is disconnected. The handler's own time is not limited.
   *
   * @defaultValue 60000
   */
  readonly idleTimeout?: number;
  /**
   * Bytes of request body queued for the handler before the socket is paused until the
   * handler reads on.
   *
   * @defaultValue 65536
   */
  readonly bodyHighWaterMark?: number;
  /**
   * Called with each error the server handles by itself: a handler that threw or returned
   * something other than a `Response` (the client gets a 500), a malformed request, a
   * timeout, a response body that failed mid-way (the connection is closed).
   *
   * @defaultValue logs with `console.error`
   */
  readonly onError?: (error: unknown) => void;
}

/** The settings of a server, with defaults applied. */
interface Settings {
  readonly connection: SCGIConnectionOptions;
  readonly headersTimeout: number;
  readonly idleTimeout: number;
  readonly bodyHighWaterMark: number;
  readonly onError: (error: unknown) => void;
}

/** Raised through `onError` and `request.signal` when a client is too slow. */
export class ClientTimeoutError extends Error {
  /** @param what - What the server was waiting for. */
  constructor(what: string) {
    super(`Timed out waiting for ${what}`);
    this.name = "ClientTimeoutError";
  }
}

/** The reason `request.signal` is aborted with when the client disconnects early. */
export class ClientDisconnectedError extends Error {
  constructor() {
    super("The client disconnected before the response was complete");
    this.name = "ClientDisconnectedError";
  }
}

const EOF = new Uint8Array(0);

/** A positive finite number of milliseconds or bytes, or the default. */
function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a positive number, not ${String(value)}`);
  }
  return value;
}

/**
 * The answer when the handler fails before anything was sent: a plain 500 that says
 * nothing of the error. Events are immutable, so every exchange can share these.
 */
const INTERNAL_SERVER_ERROR = [
  new ResponseHeaders("500 Internal Server Error", [["Content-Type", "text/plain; charset=utf-8"]]),
  new ResponseBody(new TextEncoder().encode("Internal Server Error\n")),
  new ResponseEnd(),
] as const;

/** One connection: one request read, one response written. */
class Exchange {
  readonly #socket: net.Socket;
  readonly #handler: Handler;
  readonly #settings: Settings;
  readonly #conn: SCGIConnection;
  /** Aborted, as `request.signal`, when the client goes away or breaks the protocol. */
  readonly #abort = new AbortController();
  /** Feeds the handler's request body; `null` when there is none or it is no longer wanted. */
  #body: ReadableStreamDefaultController<Uint8Array> | null = null;
  /** Fires if the environment has not arrived in time. */
  readonly #headersTimer: ReturnType<typeof setTimeout>;
  #requestComplete = false;
  #responseComplete = false;
  /** Whether the socket is paused because the handler's body stream is full. */
  #paused = false;
  /** Whether a write is waiting for `drain`. */
  #writing = false;

  constructor(socket: net.Socket, handler: Handler, settings: Settings) {
    this.#socket = socket;
    this.#handler = handler;
    this.#settings = settings;
    this.#conn = new SCGIConnection(settings.connection);
    this.#headersTimer = setTimeout(
      () => this.#fail(new ClientTimeoutError("the request headers")),
      settings.headersTimeout,
    );
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("end", () => this.#receive(EOF));
    socket.on("timeout", () => {
      // A client that has its whole answer but does not close is dropped without fuss.
      if (this.#requestComplete && this.#responseComplete) socket.destroy();
      else this.#fail(new ClientTimeoutError("the client"));
    });
    socket.on("close", () => this.#closed());
    // A socket error is followed by "close", which does the cleaning up.
    socket.on("error", () => {});
  }

  /** Feeds bytes (or EOF) to the connection and acts on the events they complete. */
  #receive(chunk: Uint8Array): void {
    try {
      this.#conn.receiveData(chunk);
      for (const event of this.#conn.events()) this.#dispatch(event);
    } catch (error) {
      this.#fail(error);
    }
  }

  #dispatch(event: RequestEvent): void {
    switch (event.type) {
      case "RequestHeaders":
        clearTimeout(this.#headersTimer);
        this.#start(event);
        break;
      case "RequestBody":
        if (this.#body !== null) {
          this.#body.enqueue(event.data);
          if ((this.#body.desiredSize ?? 0) <= 0) this.#pause();
        }
        break;
      case "RequestEnd":
        this.#requestComplete = true;
        this.#body?.close();
        this.#body = null;
        if (this.#responseComplete) this.#socket.end();
        break;
    }
    this.#updateTimeout();
  }

  /** Builds the `Request`, with a body stream fed with backpressure, and runs the handler. */
  #start(headers: RequestHeaders): void {
    // Most requests (every GET) have no body: making a stream only to cancel it costs as
    // much as a tenth of a small request's time.
    const contentLength = headers.environment.get("CONTENT_LENGTH");
    if (contentLength === undefined || parseDecimal(contentLength) === 0) {
      void this.#respond(toRequest(headers, null, { signal: this.#abort.signal }), headers);
      return;
    }
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#body = controller;
        },
        pull: () => this.#resume(),
        cancel: () => {
          // The handler does not want the rest: read it anyway (closing with unread input
          // would make the kernel reset the connection and cut the response), but drop it.
          this.#body = null;
          this.#resume();
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: this.#settings.bodyHighWaterMark }),
    );
    const request = toRequest(headers, body, { signal: this.#abort.signal });
    if (request.body === null) void body.cancel();
    void this.#respond(request, headers);
  }

  /** Runs the handler and writes its response; a failure before the headers becomes a 500. */
  async #respond(request: Request, headers: RequestHeaders): Promise<void> {
    let response: Response;
    try {
      response = await this.#handler(request, headers);
      if (!(response instanceof Response)) throw new TypeError("The handler did not return a Response");
    } catch (error) {
      this.#settings.onError(error);
      this.#sendInternalServerError(this.#conn);
      return;
    }
    // A handler that answered without touching the body never will: read the rest of it
    // and drop it now. Waiting until the answer is written would deadlock with a client
    // that sends its whole body before it reads the answer (the socket is paused while
    // the body is not read, and the client does not read while it is still sending).
    if (request.body !== null && !request.body.locked && !request.bodyUsed) void request.body.cancel().catch(() => {});
    let headersSent = false;
    try {
      const events = responseEvents(response, { signal: this.#abort.signal, withoutBody: request.method === "HEAD" });
      for await (const event of events) {
        if (this.#socket.destroyed) return;
        const bytes = this.#conn.send(event);
        if (!headersSent) {
          // Hold the header block until the body's first chunk (if it comes at once) joins
          // it, so that a small response leaves in one write rather than two.
          this.#socket.cork();
          setImmediate(() => this.#socket.uncork());
          headersSent = true;
        }
        if (bytes !== null && bytes.length > 0 && !this.#socket.write(bytes)) await this.#drained();
      }
    } catch (error) {
      if (this.#socket.destroyed) return;
      this.#settings.onError(error);
      // Nothing sent yet (a header the Response allowed but SCGI does not): answer 500
      // through a fresh writer, since the connection's own may be poisoned. Otherwise the
      // response is cut short, and only closing the connection tells the client so.
      if (!headersSent) {
        this.#sendInternalServerError(new SCGIWriter());
      } else {
        this.#socket.destroy();
      }
      return;
    }
    this.#finish();
  }

  /** Writes the shared 500 response through `sender`, then finishes. */
  #sendInternalServerError(sender: Pick<SCGIWriter, "send">): void {
    if (this.#socket.destroyed) return;
    for (const event of INTERNAL_SERVER_ERROR) {
      const bytes = sender.send(event);
      if (bytes !== null) this.#socket.write(bytes);
    }
    this.#finish();
  }

  /** The response is complete: close now, or once the rest of the request has been read. */
  #finish(): void {
    this.#responseComplete = true;
    // From now on the server only waits for the client: to take the answer, send the rest
    // of the body, and close. One that does none of it within the idle timeout is dropped.
    this.#updateTimeout();
    if (this.#requestComplete) {
      this.#socket.end();
      return;
    }
    this.#body?.error(new Error("The response was sent before the request body was read"));
    this.#body = null;
    this.#resume();
  }

  /** Resolves when the socket can take more bytes, or has closed. */
  #drained(): Promise<void> {
    this.#writing = true;
    this.#updateTimeout();
    return new Promise((resolve) => {
      const done = (): void => {
        this.#socket.off("drain", done);
        this.#socket.off("close", done);
        this.#writing = false;
        this.#updateTimeout();
        resolve();
      };
      this.#socket.on("drain", done);
      this.#socket.on("close", done);
    });
  }

  #pause(): void {
    this.#paused = true;
    this.#socket.pause();
  }

  #resume(): void {
    this.#paused = false;
    this.#socket.resume();
    this.#updateTimeout();
  }

  /** Arms the idle timeout only while the server waits on the client, never on the handler. */
  #updateTimeout(): void {
    const waitingForClient = this.#responseComplete || this.#writing || (!this.#requestComplete && !this.#paused);
    this.#socket.setTimeout(waitingForClient ? this.#settings.idleTimeout : 0);
  }

  /** A malformed request, or a timeout: report it, abort the handler and drop the connection. */
  #fail(error: unknown): void {
    if (this.#socket.destroyed) return;
    this.#settings.onError(error);
    this.#abort.abort(error);
    this.#body?.error(error);
    this.#body = null;
    this.#socket.destroy();
  }

  /** The socket is gone: if the exchange was not complete, the client left early. */
  #closed(): void {
    clearTimeout(this.#headersTimer);
    if (this.#requestComplete && this.#responseComplete) return;
    const reason = new ClientDisconnectedError();
    if (!this.#abort.signal.aborted) this.#abort.abort(reason);
    this.#body?.error(reason);
    this.#body = null;
  }
}

/**
 * Creates a `net.Server` that serves SCGI with a fetch-style handler: each connection's
 * request becomes a web `Request` (see `toRequest` in `sioscgi/fetch`), and the
 * `Response` the handler returns is streamed back. Listen on a TCP port or a Unix socket
 * as with any `net.Server`; `server.close()` stops accepting and lets requests in flight
 * finish.
 *
 * The request body streams with backpressure, and is read to its end even when the
 * handler ignores it. `request.signal` is aborted when the client disconnects early or
 * breaks the protocol (while the socket is paused because the handler is not reading the
 * body, a disconnect is seen once it reads on or answers). A client that has its whole
 * answer but does not close is dropped after `idleTimeout`. A handler that throws, or rejects, gets the client a 500 that says
 * nothing of the error; a response body that fails mid-way closes the connection. HEAD
 * responses are sent without their body.
 *
 * @param handler - Answers each request.
 * @param options - See {@link ServerOptions}.
 * @throws `RangeError` if an option is out of range.
 *
 * @example
 * ```ts
 * import { createServer } from "sioscgi/node";
 *
 * createServer((request) => new Response(`Hello from ${new URL(request.url).pathname}\n`))
 *   .listen(4000, "127.0.0.1");
 * ```
 */
export function createServer(handler: Handler, options: ServerOptions = {}): net.Server {
  const { headersTimeout, idleTimeout, bodyHighWaterMark, onError, ...connection } = options;
  new SCGIConnection(connection); // Validates the core's options now rather than per connection.
  const settings: Settings = {
    connection,
    headersTimeout: positive("headersTimeout", headersTimeout, 60_000),
    idleTimeout: positive("idleTimeout", idleTimeout, 60_000),
    bodyHighWaterMark: positive("bodyHighWaterMark", bodyHighWaterMark, 65_536),
    onError: (error) => {
      try {
        (onError ?? console.error)(error);
      } catch (failure) {
        // An onError that throws must not take the server down with it.
        console.error(failure);
      }
    },
  };
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    new Exchange(socket, handler, settings);
  });
}
