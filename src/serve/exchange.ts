/**
 * One SCGI exchange (one connection: one request read, one response written), driven over
 * any {@link Transport}: the part of a server that is the same on Node, Deno and Bun.
 *
 * Strategy: each half of the exchange is in one phase, and two tables say what every
 * phase waits for, so that which timeout runs is looked up rather than worked out from
 * flags. The request is fed to an `SCGIConnection`; the handler gets a `Request` whose
 * body is a stream fed with backpressure (the transport is paused while the stream is
 * full); the handler's `Response` is written with backpressure (waiting for `drained`).
 * Everything a peer can do (malformed bytes, a stall, a disconnect) ends in an answer or a
 * closed connection and an aborted `request.signal`; nothing a peer does can throw out of
 * the driver.
 *
 * @module
 * @internal
 */

import { parseDecimal } from "../core/bytes.js";
import { RemoteProtocolError } from "../core/errors.js";
import type { RequestEvent, RequestHeaders } from "../core/events.js";
import { type Handler, type ResponseLike, responseEvents, toRequest } from "../fetch/index.js";
import { SCGIConnection } from "../server/connection.js";
import { INTERNAL_SERVER_ERROR, refusal } from "./answers.js";
import { ClientDisconnectedError, ClientTimeoutError } from "./errors.js";
import { armDeadlines, type Deadlines, type ServerSettings } from "./options.js";
import type { OpenTransport, Transport, TransportEvents } from "./transport.js";

/** Where the request half stands. */
type RequestPhase =
  /** The environment has not all arrived. */
  | "headers"
  /** Body bytes are due, and read as they come (dropped once nobody wants them). */
  | "body"
  /** The handler's body stream is full: reading stops until it reads on. */
  | "paused"
  /** The whole request has been read. */
  | "complete"
  /** The request was malformed and has been answered: what still arrives is dropped unread. */
  | "refused";

/** Where the response half stands. */
type ResponsePhase =
  /** The handler is at work (or the request is not complete enough to call it yet): nothing sent. */
  | "pending"
  /** Response bytes are being written. */
  | "sending"
  /** A write waits for the client to take what was sent before. */
  | "blocked"
  /** The whole response has been written. */
  | "complete";

/** What a phase waits for: the client (bounded by which timeout), or nobody the server can blame. */
interface Wait {
  /** The option that bounds the client's time in this phase, or `null` when the server does not wait on the client. */
  readonly timeout: "headersTimeout" | "idleTimeout" | null;
  /** Whether this half is finished: a disconnect or an idle client now interrupts nothing. */
  readonly settled: boolean;
}

/**
 * The request half's phases. The headers' deadline runs from connecting, whatever the
 * traffic; a body stalled by the handler is not the client's fault.
 */
const REQUEST_PHASES: Readonly<Record<RequestPhase, Wait>> = {
  headers: { timeout: "headersTimeout", settled: false },
  body: { timeout: "idleTimeout", settled: false },
  paused: { timeout: null, settled: false },
  complete: { timeout: null, settled: true },
  // The client owes nothing more, but is given idleTimeout to close, as after any answer.
  refused: { timeout: null, settled: true },
};

/**
 * The response half's phases. The handler's own time is never limited; a client that
 * does not take the answer, or does not close once it has it, is.
 */
const RESPONSE_PHASES: Readonly<Record<ResponsePhase, Wait>> = {
  pending: { timeout: null, settled: false },
  sending: { timeout: null, settled: false },
  blocked: { timeout: "idleTimeout", settled: false },
  complete: { timeout: "idleTimeout", settled: true },
};

/** One connection: one request read, one response written. */
class Exchange implements TransportEvents {
  readonly #transport: Transport;
  readonly #handler: Handler;
  readonly #settings: ServerSettings;
  readonly #conn: SCGIConnection;
  /** Aborted, as `request.signal`, when the client goes away or breaks the protocol. */
  readonly #abort = new AbortController();
  /** Feeds the handler's request body; `null` when there is none or it is no longer wanted. */
  #body: ReadableStreamDefaultController<Uint8Array> | null = null;
  /** The headers' deadline, cleared after the `headers` phase, and the whole request's, cleared once the request half is settled. */
  readonly #deadlines: Deadlines;
  /** Bounds reading a body nobody wants once the response is complete; armed from then on. */
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bytes of unwanted body still allowed once the response is complete. */
  #drainBudget: number;
  #request: RequestPhase = "headers";
  #response: ResponsePhase = "pending";
  /** Ends the wait of a blocked write; set in the `blocked` phase only. */
  #unblock: (() => void) | null = null;

  constructor(open: OpenTransport, handler: Handler, settings: ServerSettings) {
    this.#handler = handler;
    this.#settings = settings;
    this.#conn = new SCGIConnection(settings.connection);
    this.#deadlines = armDeadlines(settings, (error) => this.#fail(error));
    this.#drainBudget = settings.drainLimit;
    this.#transport = open(this);
  }

  /** Moves the halves to new phases and arms the timers those phases call for. */
  #enter(request: RequestPhase, response: ResponsePhase): void {
    this.#request = request;
    this.#response = response;
    const waits = [REQUEST_PHASES[request].timeout, RESPONSE_PHASES[response].timeout];
    if (!waits.includes("headersTimeout")) clearTimeout(this.#deadlines.headers);
    if (REQUEST_PHASES[request].settled) this.#stopRequestTimers();
    this.#transport.setIdleTimeout(waits.includes("idleTimeout") ? this.#settings.idleTimeout : 0);
  }

  /** Whether both halves are finished: nothing the client does now can hurt the exchange. */
  #settled(): boolean {
    return REQUEST_PHASES[this.#request].settled && RESPONSE_PHASES[this.#response].settled;
  }

  /** Feeds bytes (or EOF) to the connection and acts on the events they complete. */
  receive(chunk: Uint8Array): void {
    if (this.#request === "refused") return;
    try {
      this.#conn.receiveData(chunk);
      for (const event of this.#conn.events()) this.#dispatch(event);
    } catch (error) {
      if (error instanceof RemoteProtocolError && this.#response === "pending") this.#refuse(error);
      else this.#fail(error);
    }
  }

  drained(): void {
    this.#unblock?.();
  }

  timedOut(): void {
    // A client that has its whole answer but does not close is dropped without fuss.
    if (this.#settled()) this.#transport.destroy();
    else this.#fail(new ClientTimeoutError("the client"));
  }

  /** The connection is gone: if the exchange was not complete, the client left early. */
  closed(): void {
    clearTimeout(this.#deadlines.headers);
    this.#stopRequestTimers();
    this.#unblock?.();
    if (this.#settled()) return;
    const reason = new ClientDisconnectedError();
    if (!this.#abort.signal.aborted) this.#abort.abort(reason);
    this.#body?.error(reason);
    this.#body = null;
  }

  #dispatch(event: RequestEvent): void {
    switch (event.type) {
      case "RequestHeaders":
        this.#enter("body", this.#response);
        this.#start(event);
        break;
      case "RequestBody":
        if (this.#response === "complete") {
          // Unwanted body after the answer: read only so much of it (see #finish).
          this.#drainBudget -= event.data.length;
          if (this.#drainBudget < 0) this.#transport.destroy();
        } else if (this.#body !== null) {
          this.#body.enqueue(event.data);
          if ((this.#body.desiredSize ?? 0) <= 0) this.#pause();
        }
        break;
      case "RequestEnd":
        this.#enter("complete", this.#response);
        this.#body?.close();
        this.#body = null;
        break;
    }
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

  /** Runs the handler and writes its response; a failure before anything was sent becomes a 500. */
  async #respond(request: Request, headers: RequestHeaders): Promise<void> {
    let response: ResponseLike;
    try {
      response = await this.#handler(request, headers);
    } catch (error) {
      this.#settings.onError(error);
      this.#answer(INTERNAL_SERVER_ERROR);
      return;
    }
    // A handler that answered without touching the body never will: read the rest of it
    // and drop it now. Waiting until the answer is written would deadlock with a client
    // that sends its whole body before it reads the answer (reading stops while the body
    // is not read, and the client does not read while it is still sending).
    // (A Response made of the request's own body, an echo, holds the stream unlocked.)
    const { body } = request;
    if (body !== null && !body.locked && !request.bodyUsed && response.body !== body)
      void body.cancel().catch(() => {});
    try {
      const events = responseEvents(response, { signal: this.#abort.signal, withoutBody: request.method === "HEAD" });
      for await (const event of events) {
        // The request was refused meanwhile (the loop's end cancels the body), or the client left.
        if (this.#request === "refused" || this.#transport.closed) return;
        const bytes = this.#conn.send(event);
        if (this.#response === "pending") {
          // Hold the header block until the body's first chunk (if it comes at once) joins
          // it, so that a small response leaves in one write rather than two.
          this.#transport.cork();
          this.#enter(this.#request, "sending");
        }
        if (bytes !== null && bytes.length > 0 && !this.#transport.write(bytes)) await this.#drained();
      }
    } catch (error) {
      if (this.#transport.closed) return;
      this.#settings.onError(error);
      // Nothing sent yet (a header the Response allowed but SCGI does not): answer 500.
      // Otherwise the response is cut short, and only a reset tells the client so.
      if (this.#response === "pending") this.#answer(INTERNAL_SERVER_ERROR);
      else this.#drop();
      return;
    }
    this.#finish();
  }

  /** Writes a whole response the server makes itself, unless the client is gone or was answered; then finishes. */
  #answer(response: Uint8Array): void {
    if (this.#transport.closed || this.#response !== "pending") return;
    this.#transport.write(response);
    this.#finish();
  }

  /**
   * The response is complete: half-close, which tells the web server so; the connection
   * closes once the client has closed its half too.
   */
  #finish(): void {
    // From now on the server only waits for the client: to take the answer, send the rest
    // of the body, and close. One that does none of it within the idle timeout is dropped.
    this.#enter(this.#request, "complete");
    this.#transport.end();
    if (REQUEST_PHASES[this.#request].settled) return;
    this.#body?.error(new Error("The response was sent before the request body was read"));
    this.#body = null;
    // The rest of the body is read and dropped, since closing with unread input would
    // reset the connection and could cut the answer short; but only for drainTimeout and
    // up to drainLimit bytes: a client that goes on sending past either is dropped.
    this.#drainTimer = setTimeout(() => this.#transport.destroy(), this.#settings.drainTimeout);
    this.#resume();
  }

  /** The request half is settled, or the connection gone: its deadlines no longer apply. */
  #stopRequestTimers(): void {
    clearTimeout(this.#deadlines.request);
    clearTimeout(this.#drainTimer);
  }

  /**
   * Closes the connection on a failure: with a reset if a response was begun and not
   * finished, so that the web server does not take what was sent for a whole response.
   */
  #drop(): void {
    if (this.#response === "sending" || this.#response === "blocked") this.#transport.reset();
    else this.#transport.destroy();
  }

  /** Resolves when the transport can take more bytes, or has closed. */
  #drained(): Promise<void> {
    this.#enter(this.#request, "blocked");
    return new Promise((resolve) => {
      this.#unblock = () => {
        this.#unblock = null;
        this.#enter(this.#request, "sending");
        resolve();
      };
    });
  }

  #pause(): void {
    this.#enter("paused", this.#response);
    this.#transport.pause();
  }

  /** Reads on, if reading stopped for the handler's sake. */
  #resume(): void {
    if (this.#request !== "paused") return;
    this.#enter("body", this.#response);
    this.#transport.resume();
  }

  /**
   * A malformed request before anything was sent: report it, abort the handler, answer
   * with the status the error suggests, and close once the client has the answer.
   */
  #refuse(error: RemoteProtocolError): void {
    this.#settings.onError(error);
    this.#abort.abort(error);
    this.#body?.error(error);
    this.#body = null;
    this.#enter("refused", this.#response);
    // Read on (and drop) whatever the client still sends, so that the answer is not reset.
    this.#transport.resume();
    this.#answer(refusal(error));
  }

  /** A timeout, or a malformed request once the response has begun: report it, abort the handler, drop the connection. */
  #fail(error: unknown): void {
    if (this.#transport.closed) return;
    this.#settings.onError(error);
    this.#abort.abort(error);
    this.#body?.error(error);
    this.#body = null;
    this.#drop();
  }
}

/**
 * Serves one connection: reads its request, runs `handler`, writes the response.
 *
 * @param open - Makes the connection's transport, given the driver's event handlers.
 * @internal
 */
export function serveConnection(open: OpenTransport, handler: Handler, settings: ServerSettings): void {
  new Exchange(open, handler, settings);
}
