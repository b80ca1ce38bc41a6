/**
 * `sioscgi/http`: node:http applications (Express, Koa, Fastify, anything written against
 * `http.createServer`) served over SCGI.
 *
 * Strategy: the request and the response are node:http's own `IncomingMessage` and
 * `ServerResponse`, built on a stand-in socket (`SCGISocket`, a `Duplex`) instead of a TCP
 * connection, so every framework that swaps their prototypes or reads their internals
 * sees the real thing. The request is filled straight from the SCGI environment the core
 * has parsed (method, URL, headers, body pushed with backpressure); no HTTP request is
 * synthesized and parsed again. The response renders itself as HTTP/1.1 into the stand-in
 * socket, which translates: the head, which `ServerResponse` writes as one Latin-1
 * string ahead of the body, becomes a core `ResponseHeaders` (so the core checks every
 * field before a byte leaves), and the body, unframed when node:http chunked it, becomes
 * `ResponseBody` events, written with backpressure.
 *
 * Why this and not an unlistened `http.Server` fed a synthesized HTTP/1.1 request over an
 * in-memory duplex (the other way to get real objects): that one parses every request
 * twice (SCGI, then llhttp), runs node:http's whole connection setup per request, and
 * still needs the same translation of the response. Measured with `node bench/http.mjs`
 * (server CPU per request, a connection per request, Node 20 on a shared 2-core machine,
 * least of 3 runs): the core alone 52-77 µs, node:http over HTTP 57-86 µs, this server
 * with a bare listener 122-148 µs, the duplex design 131-152 µs even with its response
 * passed back untranslated; Express 5 on this server 289-340 µs against 215-217 µs on
 * node:http. What this server adds is mostly allocation (the stand-in socket is a second
 * stream per request, and the SCGI environment, the header strings and the checked
 * response head are objects node:http does not make), paid for in garbage collection.
 * End to end, where nginx's own work counts too, Express behind `scgi_pass` to this server
 * served 0.82x to 0.98x (two sessions, best of 2 and of 3 runs) the requests per second
 * of the same app behind nginx's default `proxy_pass` to node:http (wrk, 16 connections,
 * nginx and the app sharing one core).
 *
 * What node:http's server does around its messages is done here the same way: unread
 * request bodies are read and dropped when the response ends (bounded by `drainTimeout` and
 * `drainLimit`), the timeouts of `sioscgi/node` bound the client's time, `'close'` follows
 * `'finish'`, a disconnect aborts the request and closes the response, `res.destroy()`
 * before the end resets the connection so that the web server reports an error instead
 * of passing on a response that looks complete.
 *
 * @module sioscgi/http
 */

import * as http from "node:http";
import type * as net from "node:net";
import { Duplex } from "node:stream";
import { parseDecimal } from "./core/bytes.js";
import { ChunkedDecoder } from "./core/chunked.js";
import { RemoteProtocolError } from "./core/errors.js";
import { type RequestEvent, type RequestHeaders, ResponseBody, ResponseEnd } from "./core/events.js";
import { forEachHeaderField, headerValue, requestTarget, variable } from "./fetch/request.js";
import { translateHead } from "./http/response-head.js";
import { INTERNAL_SERVER_ERROR, refusal } from "./serve/answers.js";
import { ClientTimeoutError } from "./serve/errors.js";
import {
  armDeadlines,
  type ServerOptions as BaseServerOptions,
  type Deadlines,
  type ServerSettings,
  serverSettings,
} from "./serve/options.js";
import { resetConnection } from "./serve/reset.js";
import { type GracefulServer, withShutdown } from "./serve/shutdown.js";
import { SCGIConnection } from "./server/connection.js";

/**
 * Options of {@link createServer}: those of every server of this library, with the same
 * meanings. For a node:http application, "the handler" is the request listener and "the
 * body stream" the `IncomingMessage`; a client dropped for a timeout makes the request
 * emit `'aborted'` and the response `'close'`, as a disconnect does, and `onError` gets a
 * `ClientTimeoutError`. An idle timeout the application sets itself (`req.setTimeout`,
 * `res.setTimeout`) replaces `idleTimeout` on its connection, as with node:http.
 */
export type ServerOptions = BaseServerOptions;

/** What node:http calls a request listener: Express and Fastify handlers, Koa's `app.callback()`. */
export type RequestListener = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** A variable as text (ISO-8859-1, as node:http reads header bytes), or `undefined` when absent. */
function present(environment: Map<string, Uint8Array>, name: string): string | undefined {
  return environment.has(name) ? variable(environment, name) : undefined;
}

/** A port number variable, or `undefined` if absent or not a number. */
function port(environment: Map<string, Uint8Array>, name: string): number | undefined {
  return parseDecimal(environment.get(name) ?? new Uint8Array(0)) ?? undefined;
}

/** Methods whose requests carry no `Content-Length` from an HTTP client when they have no body. */
const BODILESS_METHODS = new Set(["GET", "HEAD"]);

/**
 * The request's header fields as node:http's `rawHeaders` lists them: `content-type` and
 * `content-length` from the CGI variables, then the `HTTP_*` variables by the rule
 * `toRequest` follows (`forEachHeaderField`), which drops a name or value node:http's own
 * parser would refuse (a name that is not a token, a CR or LF in a value) rather than let
 * it reach the application. A `content-length` of 0 is left out of a GET or HEAD, as an
 * HTTP client does not send one there. `Transfer-Encoding` is left out too: the web server
 * sent the body de-chunked, with its length in `CONTENT_LENGTH`.
 */
function rawHeaders(environment: Map<string, Uint8Array>, method: string, contentLength: number): string[] {
  const raw: string[] = [];
  const contentType = headerValue(variable(environment, "CONTENT_TYPE"));
  if (contentType !== null && contentType !== "") raw.push("content-type", contentType);
  if (contentLength > 0 || !BODILESS_METHODS.has(method)) raw.push("content-length", String(contentLength));
  forEachHeaderField(environment, (name, value) => {
    if (name !== "transfer-encoding") raw.push(name, value);
  });
  return raw;
}

/** The HTTP version the client spoke, from `SERVER_PROTOCOL` (`HTTP/1.1` when absent or unreadable). */
function httpVersion(environment: Map<string, Uint8Array>): [number, number] {
  const match = /^HTTP\/(\d)\.(\d)$/.exec(variable(environment, "SERVER_PROTOCOL"));
  return match === null ? [1, 1] : [Number(match[1]), Number(match[2])];
}

/** The error node:http gives a request whose client went away before it was answered. */
function abortedError(): Error {
  return Object.assign(new Error("aborted"), { code: "ECONNRESET" });
}

const EOF = new Uint8Array(0);

/** Characters of body, at most, that are copied to leave in the same buffer as the head. */
const SMALL_BODY = 16_384;

/** node:http's private flag that `writableNeedDrain` reads; its server clears it before `'drain'`. */
const NEED_DRAIN = Object.getOwnPropertySymbols(new http.OutgoingMessage()).find(
  (symbol) => symbol.description === "kNeedDrain",
);

/**
 * The `socket` of every request and response the server makes: it stands for the SCGI
 * connection, which the web server opened for this one request. Properties read from the
 * environment answer what a TCP socket would: `remoteAddress` is the client's address
 * (`REMOTE_ADDR`), which Express's `req.ip` and Fastify's `request.ip` report, and
 * `encrypted` is true when the client came over HTTPS (`HTTPS=on`), which makes
 * `req.protocol` `"https"`. What the application writes to it is what `ServerResponse`
 * renders; it is translated to SCGI and never reaches the web server as it is.
 */
class SCGISocket extends Duplex {
  /**
   * The request's SCGI environment, as the core received it: names as ISO-8859-1 text,
   * values as bytes, in the order the web server sent them.
   */
  readonly environment: Map<string, Uint8Array>;

  /** The connection this socket stands for. */
  readonly #exchange: Exchange;

  /**
   * Set by `ServerResponse.assignSocket`; node:http writes through a socket only to its own message.
   *
   * @internal
   */
  _httpMessage: http.ServerResponse | null = null;

  /**
   * @param exchange - The SCGI connection.
   * @param environment - The request's environment.
   */
  constructor(exchange: Exchange, environment: Map<string, Uint8Array>) {
    // Strings stay strings until translated: the response head must be read as the
    // text node:http rendered, whatever encoding the body that follows it is written in.
    super({ decodeStrings: false, allowHalfOpen: true, readableHighWaterMark: exchange.bodyHighWaterMark });
    this.#exchange = exchange;
    this.environment = environment;
    // An error here ends in 'close', which does the cleaning up; node:http's server
    // listens the same way, so that a destroyed response does not crash the process.
    this.on("error", () => {});
  }

  /** The client's IP address, from `REMOTE_ADDR`. */
  get remoteAddress(): string | undefined {
    return present(this.environment, "REMOTE_ADDR");
  }

  /** The client's port, from `REMOTE_PORT`. */
  get remotePort(): number | undefined {
    return port(this.environment, "REMOTE_PORT");
  }

  /** The address the web server received the request on, from `SERVER_ADDR`. */
  get localAddress(): string | undefined {
    return present(this.environment, "SERVER_ADDR");
  }

  /** The port the web server received the request on, from `SERVER_PORT`. */
  get localPort(): number | undefined {
    return port(this.environment, "SERVER_PORT");
  }

  /** `true` when the client spoke HTTPS to the web server (`HTTPS` is `on` or `1`), as on a TLS socket. */
  get encrypted(): true | undefined {
    const https = variable(this.environment, "HTTPS").toLowerCase();
    return https === "on" || https === "1" ? true : undefined;
  }

  /**
   * Sets the idle timeout of the SCGI connection, as `net.Socket.setTimeout` does: after
   * `milliseconds` without traffic the response and this socket emit `'timeout'`, and the
   * connection is reset if nothing listens. 0 disables it.
   */
  setTimeout(milliseconds: number, callback?: () => void): this {
    if (callback !== undefined) this.once("timeout", callback);
    this.#exchange.setTimeout(milliseconds);
    return this;
  }

  /** Accepted for compatibility: the connection to the web server is not the client's. */
  setNoDelay(): this {
    return this;
  }

  /** Accepted for compatibility: the connection to the web server is not the client's. */
  setKeepAlive(): this {
    return this;
  }

  /** Resumes reading the request body, which node:http asks of a socket when its request is read. */
  override resume(): this {
    this.#exchange.resumeBody();
    return super.resume();
  }

  /** @internal The request body reaches the `IncomingMessage` directly; this side has nothing to read. */
  override _read(): void {}

  /** @internal Translates what `ServerResponse` writes. */
  override _write(chunk: string | Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#exchange.writeHTTP(chunk, encoding, callback);
  }

  /** @internal Destroying the socket before the response is complete resets the connection. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#exchange.socketDestroyed();
    callback(error);
  }
}

/**
 * The SCGI environment of a request this library's server made: every variable the web
 * server sent, names as ISO-8859-1 text and values as bytes, in the order sent. This is
 * where what HTTP has no place for is found: `SCRIPT_NAME`, `PATH_INFO`, `DOCUMENT_ROOT`,
 * `REMOTE_USER`, `SSL_*`...
 *
 * @param request - A request from {@link createServer}'s `'request'` event (Express's
 *   `req`, Koa's `ctx.req`, Fastify's `request.raw`).
 * @returns The environment, or `undefined` for a request some other server made.
 *
 * @example
 * <!-- typecheck: import express from "express"; const app = express(); -->
 * ```ts
 * import { scgiEnvironment } from "sioscgi/http";
 *
 * app.get("/whoami", (req, res) => {
 *   const user = scgiEnvironment(req)?.get("REMOTE_USER"); // bytes, or undefined
 *   res.json({ ip: req.ip, user: user && Buffer.from(user).toString("latin1") });
 * });
 * ```
 */
export function scgiEnvironment(request: http.IncomingMessage): Map<string, Uint8Array> | undefined {
  const socket: unknown = request.socket;
  return socket instanceof SCGISocket ? socket.environment : undefined;
}

/** How far the response has been translated. */
type Phase = "head" | "body" | "chunked" | "done";

/** One SCGI connection: one request read into an `IncomingMessage`, one `ServerResponse` translated back. */
class Exchange {
  readonly #socket: net.Socket;
  readonly #server: SCGIServer;
  readonly #settings: ServerSettings;
  readonly #conn: SCGIConnection;
  /** The headers' deadline and the whole request's, each cleared once what it waits for has arrived. */
  readonly #deadlines: Deadlines;
  /** Bounds reading a body nobody answers any more once the response is complete. */
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bytes of request body still allowed once the response is complete (drainLimit). */
  #drainBudget: number;
  /** The idle timeout the application set on its socket, which replaces the server's; 0 when none. */
  #appTimeout = 0;
  /** Whether reading stopped because the `IncomingMessage` is full: the wait is the application's. */
  #paused = false;
  /** Whether a write waits for the web server to take what was sent before. */
  #blocked = false;
  #httpSocket: SCGISocket | null = null;
  #request: http.IncomingMessage | null = null;
  #response: http.ServerResponse | null = null;
  #phase: Phase = "head";
  #chunked: ChunkedDecoder | null = null;
  /** While chunked bytes are unframed: whether the connection took every run of data without pushing back. */
  #writable = true;
  /** Passes a run of unframed data on; made once, for the decoder to call with each run. */
  readonly #deliver = (data: Uint8Array): void => {
    this.#writable = this.#writeData(data) && this.#writable;
  };
  #requestComplete = false;
  /** Whether the response has been sent whole (the application's, or the server's error answer). */
  #responseComplete = false;
  /** Whether the connection failed and is closed or closing. */
  #failed = false;

  constructor(socket: net.Socket, server: SCGIServer, settings: ServerSettings) {
    this.#socket = socket;
    this.#server = server;
    this.#settings = settings;
    this.#conn = new SCGIConnection(settings.connection);
    this.#deadlines = armDeadlines(settings, (error) => this.#fail(error));
    this.#drainBudget = settings.drainLimit;
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("end", () => this.#receive(EOF));
    socket.on("timeout", () => this.#socketTimedOut());
    socket.on("close", () => this.#closed());
    // A socket error is followed by "close", which does the cleaning up.
    socket.on("error", () => {});
  }

  /** Feeds bytes (or EOF) to the connection and acts on the events they complete. */
  #receive(chunk: Uint8Array): void {
    if (this.#failed) return;
    this.#conn.receiveData(chunk);
    for (;;) {
      let event: RequestEvent | null;
      try {
        event = this.#conn.nextEvent();
      } catch (error) {
        this.#malformed(error);
        return;
      }
      // Stopped by what the last event did (a drain over its limit).
      if (event === null || this.#failed) return;
      // Outside the try: an application that throws from its listener is not a malformed
      // request; its error propagates as it would from node:http's server.
      this.#dispatch(event);
    }
  }

  #dispatch(event: RequestEvent): void {
    const request = this.#request;
    switch (event.type) {
      case "RequestHeaders":
        clearTimeout(this.#deadlines.headers);
        this.#start(event);
        break;
      case "RequestBody":
        if (this.#responseComplete) {
          // Body after the answer: read only so much of it (see #completeResponse).
          this.#drainBudget -= event.data.length;
          if (this.#drainBudget < 0) {
            this.#failed = true;
            this.#socket.destroy();
            return;
          }
        }
        if (!(request as http.IncomingMessage).push(event.data)) {
          this.#paused = true;
          this.#socket.pause();
          this.#armIdle();
        }
        break;
      case "RequestEnd":
        this.#requestComplete = true;
        clearTimeout(this.#deadlines.request);
        clearTimeout(this.#drainTimer);
        this.#armIdle();
        (request as http.IncomingMessage).complete = true;
        (request as http.IncomingMessage).push(null);
        if (this.#responseComplete) this.#socket.end();
        break;
    }
  }

  /** Builds the request and response and hands them to the application. */
  #start(headers: RequestHeaders): void {
    const { environment } = headers;
    const socket = new SCGISocket(this, environment);
    const request = new http.IncomingMessage(socket as unknown as net.Socket);
    const method = variable(environment, "REQUEST_METHOD") || "GET";
    const [major, minor] = httpVersion(environment);
    request.method = method;
    request.url = requestTarget(environment);
    request.httpVersionMajor = major;
    request.httpVersionMinor = minor;
    request.httpVersion = `${major}.${minor}`;
    // The reader has checked that CONTENT_LENGTH is there and a number.
    const raw = rawHeaders(
      environment,
      method,
      parseDecimal(environment.get("CONTENT_LENGTH") as Uint8Array) as number,
    );
    // The method node:http's parser calls with the fields it read: it sets `rawHeaders`
    // and makes `headers` and `headersDistinct` from them, when first read.
    (request as unknown as { _addHeaderLines(raw: string[], count: number): void })._addHeaderLines(raw, raw.length);
    const response = new http.ServerResponse(request);
    // The web server dates its responses itself.
    response.sendDate = false;
    response.assignSocket(socket as unknown as net.Socket);
    response.on("finish", () => this.#responseFinished());
    socket.on("drain", () => {
      if (response.finished) return;
      if (NEED_DRAIN !== undefined) (response as unknown as Record<symbol, boolean>)[NEED_DRAIN] = false;
      response.emit("drain");
    });
    this.#httpSocket = socket;
    this.#request = request;
    this.#response = response;
    this.#armIdle();
    this.#server.emit("request", request, response);
  }

  /** The bytes of request body an `IncomingMessage` buffers before the connection is paused. */
  get bodyHighWaterMark(): number {
    return this.#settings.bodyHighWaterMark;
  }

  /** The application wants more of the request body. */
  resumeBody(): void {
    if (this.#requestComplete) return;
    this.#paused = false;
    this.#socket.resume();
    this.#armIdle();
  }

  /** Translates bytes `ServerResponse` wrote, and calls back once the web server's connection can take more. */
  writeHTTP(chunk: string | Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#phase === "done" || this.#socket.destroyed) {
      callback();
      return;
    }
    let writable: boolean;
    try {
      writable =
        this.#phase === "head"
          ? this.#writeHead(typeof chunk === "string" ? chunk : chunk.toString("latin1"), encoding)
          : this.#writeBody(typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk);
    } catch (error) {
      this.#responseFailed(error);
      callback();
      return;
    }
    if (writable) {
      callback();
      return;
    }
    this.#blocked = true;
    this.#armIdle();
    const done = (): void => {
      this.#socket.off("drain", done);
      this.#socket.off("close", done);
      this.#blocked = false;
      this.#armIdle();
      callback();
    };
    this.#socket.on("drain", done);
    this.#socket.on("close", done);
  }

  /**
   * Translates the response head, which `ServerResponse` writes as one string, alone or
   * followed by the start of the body in `encoding`. Returns whether the connection can
   * take more now.
   */
  #writeHead(text: string, encoding: BufferEncoding): boolean {
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) throw new SyntaxError("The response head did not arrive in one piece");
    const headers = translateHead(text.slice(0, end));
    const rest = text.length === end + 4 ? null : text.slice(end + 4);
    if (headers === null) return rest === null || this.#writeHead(rest, encoding);
    const head = this.#conn.send(headers) as Uint8Array;
    if ((this.#response as http.ServerResponse).chunkedEncoding) {
      this.#phase = "chunked";
      this.#chunked = new ChunkedDecoder();
    } else {
      this.#phase = "body";
      // The usual case, a whole small response written at once (`res.end(text)`): one
      // buffer, one write, as node:http makes of it.
      if (rest !== null && rest.length <= SMALL_BODY) {
        const body = this.#conn.send(new ResponseBody(Buffer.from(rest, encoding))) as Uint8Array;
        const bytes = Buffer.allocUnsafe(head.length + body.length);
        bytes.set(head);
        bytes.set(body, head.length);
        return this.#socket.write(bytes);
      }
    }
    // Otherwise the head, and the body's start if it comes at once, leave in one packet.
    this.#socket.cork();
    process.nextTick(() => this.#socket.uncork());
    const writable = this.#socket.write(head);
    return rest === null ? writable : this.#writeBody(Buffer.from(rest, encoding)) && writable;
  }

  /** Translates body bytes, unframing them if node:http chunked them. Returns whether the connection can take more. */
  #writeBody(bytes: Uint8Array): boolean {
    const chunked = this.#chunked;
    if (chunked === null) return this.#writeData(bytes);
    this.#writable = true;
    const fault = chunked.decode(bytes, 0, this.#deliver);
    // node:http keeps its own framing, so a fault means bytes written around it (to
    // `res.socket`). Before the last chunk they break the body; after it, they are dropped
    // with the trailers, as SCGI has no place for anything after the body.
    if (fault !== null && fault.problem !== "after last chunk") {
      throw new SyntaxError("The chunked framing of the response body is broken");
    }
    return this.#writable;
  }

  #writeData(data: Uint8Array): boolean {
    if (data.length === 0) return true;
    return this.#socket.write(this.#conn.send(new ResponseBody(data)) as Uint8Array);
  }

  /**
   * The response head could not be translated, or its body unframed. Before anything was
   * sent, the client gets a 500 that says nothing of the error; after, only resetting the
   * connection tells the web server that the response is cut short. What the application
   * writes from now on is dropped.
   */
  #responseFailed(error: unknown): void {
    this.#settings.onError(error);
    const started = this.#phase !== "head";
    this.#phase = "done";
    if (started) {
      this.#reset();
      return;
    }
    this.#answer(INTERNAL_SERVER_ERROR);
  }

  /** Sends a whole response the server gives by itself, and finishes the connection. */
  #answer(response: Uint8Array): void {
    this.#socket.write(response);
    this.#completeResponse();
  }

  /**
   * The whole response is sent. The connection half-closes once the request is read too;
   * until then the rest of the body is read (closing with unread input would reset the
   * connection and could cut the answer), but only for drainTimeout and up to drainLimit
   * bytes: a client that goes on sending past either is dropped.
   */
  #completeResponse(): void {
    this.#responseComplete = true;
    if (this.#requestComplete || this.#failed) this.#socket.end();
    else this.#drainTimer ??= setTimeout(() => this.#socket.destroy(), this.#settings.drainTimeout);
    this.#armIdle();
  }

  /** `ServerResponse` has handed over its last byte. */
  #responseFinished(): void {
    const response = this.#response as http.ServerResponse;
    const request = this.#request as http.IncomingMessage;
    if (this.#phase !== "done") {
      this.#phase = "done";
      this.#conn.send(new ResponseEnd());
      this.#completeResponse();
    }
    // As node:http's server does: a body nobody reads is read and dropped (closing with
    // unread input would reset the connection and cut the response), and the response
    // closes once finished.
    if (request.readableFlowing === null) request.resume();
    response.detachSocket(this.#httpSocket as unknown as net.Socket);
    process.nextTick(() => {
      const state = response as unknown as { _closed: boolean };
      if (state._closed) return;
      state._closed = true;
      response.destroyed = true;
      response.emit("close");
    });
  }

  /** The application destroyed the socket (`res.destroy()`, `req.destroy()`): an unfinished response is cut. */
  socketDestroyed(): void {
    if (!this.#responseComplete) this.#reset();
  }

  /** Ends the connection with a reset, which the web server reports as an error, never as a complete response. */
  #reset(): void {
    this.#failed = true;
    if (!this.#socket.destroyed) resetConnection(this.#socket);
  }

  /** The request is malformed: answer with its status if no response has started, and close. */
  #malformed(error: unknown): void {
    this.#settings.onError(error);
    this.#failed = true;
    if (this.#request !== null) {
      // The application has the request: it learns of the failure as of a disconnect.
      this.#reset();
      return;
    }
    clearTimeout(this.#deadlines.headers);
    clearTimeout(this.#deadlines.request);
    this.#answer(error instanceof RemoteProtocolError ? refusal(error) : INTERNAL_SERVER_ERROR);
  }

  /** The application sets its own idle timeout (0 hands the connection back to the server's). */
  setTimeout(milliseconds: number): void {
    this.#appTimeout = milliseconds;
    if (milliseconds > 0) this.#socket.setTimeout(milliseconds);
    else this.#armIdle();
  }

  /**
   * Arms idleTimeout while the server waits on the client (for body bytes the application
   * wants, for the web server to take response bytes, or to close once answered) and
   * disarms it otherwise: the application's own time is not limited, and the headers
   * have their own deadline. An idle timeout the application set stands instead.
   */
  #armIdle(): void {
    if (this.#appTimeout > 0 || this.#socket.destroyed) return;
    const reading = this.#request !== null && !this.#requestComplete && !this.#paused;
    const waiting = reading || this.#blocked || this.#responseComplete;
    this.#socket.setTimeout(waiting ? this.#settings.idleTimeout : 0);
  }

  /** The socket was idle: the application's timeout if it set one, else the server's. */
  #socketTimedOut(): void {
    if (this.#appTimeout > 0) this.#idle();
    // A client that has its whole answer, and owes nothing more, is dropped without fuss.
    else if (this.#responseComplete && (this.#requestComplete || this.#failed)) this.#socket.destroy();
    else this.#fail(new ClientTimeoutError("the client"));
  }

  /** The idle timeout the application set has expired: tell it, or reset the connection if nobody listens. */
  #idle(): void {
    const socket = this.#httpSocket as SCGISocket;
    const heard = socket.emit("timeout");
    const answered = (this.#response as http.ServerResponse).emit("timeout", socket);
    if (!answered && !heard) socket.destroy();
  }

  /**
   * A client too slow: report it and drop the connection, with a reset if a response was
   * begun and not finished, so that the web server does not take it for a whole one. The
   * application learns of it as of a disconnect.
   */
  #fail(error: ClientTimeoutError): void {
    if (this.#socket.destroyed) return;
    this.#settings.onError(error);
    if (this.#phase === "body" || this.#phase === "chunked") this.#reset();
    else {
      this.#failed = true;
      this.#socket.destroy();
    }
  }

  /** The connection is gone: an unanswered request is aborted, as node:http does on a disconnect. */
  #closed(): void {
    clearTimeout(this.#deadlines.headers);
    clearTimeout(this.#deadlines.request);
    clearTimeout(this.#drainTimer);
    if (this.#request !== null && !this.#responseComplete) this.#request.destroy(abortedError());
    this.#httpSocket?.destroy();
  }
}

/**
 * The server {@link createServer} makes: an `http.Server` (so it passes wherever one is
 * expected, Fastify's `serverFactory` included) whose connections speak SCGI instead of
 * HTTP.
 */
class SCGIServer extends http.Server {
  /**
   * @param options - See {@link ServerOptions}.
   * @param requestListener - Added as a `'request'` listener.
   * @throws `RangeError` if an option is out of range.
   */
  constructor(options: ServerOptions = {}, requestListener?: RequestListener) {
    super();
    const settings = serverSettings(options);
    // http.Server parses HTTP on each connection: this server speaks SCGI there instead.
    this.removeAllListeners("connection");
    this.on("connection", (socket: net.Socket) => {
      new Exchange(socket, this, settings);
    });
    if (requestListener !== undefined) this.on("request", requestListener);
  }

  /** Does nothing: an SCGI connection carries one request and is never idle between two. */
  override closeIdleConnections(): void {}
}

/**
 * Creates a server that serves a node:http application over SCGI, the drop-in for
 * `http.createServer`: each SCGI request becomes a real `http.IncomingMessage` (method,
 * `url` and headers by the rules of `toRequest` in `sioscgi/fetch` (`url` from `REQUEST_URI`
 * or the CGI variables, headers from the `HTTP_*` variables plus `content-type` and
 * `content-length`), the body as the message's stream), and what the application writes
 * to the `http.ServerResponse` streams back to the web server as it is written.
 *
 * `req.socket.remoteAddress` is the client's address (`REMOTE_ADDR`), `req.socket.encrypted`
 * is true when the client came over HTTPS (`HTTPS=on`), and {@link scgiEnvironment} gives
 * every variable the web server sent. Malformed requests get their 4xx answer without reaching the application.
 * Response headers SCGI cannot carry (`Status`, hop-by-hop fields other than those
 * node:http manages itself, a status outside 200-599) get the client a 500 instead; a
 * response destroyed before its end resets the connection, so that the web server
 * reports an error. The web server's own `Date` is used; HEAD, 204 and 304 responses
 * have no body, as with node:http.
 *
 * @param requestListener - The application.
 *
 * @example
 * Koa's `app.callback()` and Fastify's `serverFactory: (handler) => createServer(handler)`
 * plug in the same way as an Express app.
 *
 * ```ts
 * import express from "express";
 * import { createServer } from "sioscgi/http";
 *
 * const app = express();
 * app.get("/", (req, res) => {
 *   res.send("hi");
 * });
 * createServer(app).listen(4000, "127.0.0.1");
 * ```
 */
export function createServer(requestListener?: RequestListener): http.Server & GracefulServer;
/**
 * Creates a server of a node:http application over SCGI, with options; see the form
 * without them.
 *
 * @param options - See {@link ServerOptions}.
 * @param requestListener - The application.
 * @throws `RangeError` if an option is out of range.
 *
 * @example
 * <!-- typecheck: declare const app: import("node:http").RequestListener; declare const log: { warn(error: unknown): void }; -->
 * ```ts
 * import { createServer } from "sioscgi/http";
 *
 * createServer({ headersTimeout: 10_000, onError: (error) => log.warn(error) }, app).listen("/run/app.sock");
 * ```
 */
export function createServer(options: ServerOptions, requestListener?: RequestListener): http.Server & GracefulServer;
export function createServer(
  first?: ServerOptions | RequestListener,
  requestListener?: RequestListener,
): http.Server & GracefulServer {
  return withShutdown(typeof first === "function" ? new SCGIServer({}, first) : new SCGIServer(first, requestListener));
}
