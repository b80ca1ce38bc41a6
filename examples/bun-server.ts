// An SCGI application server on Bun.listen: the sioscgi core reads each request and writes
// its response, and the fetch bridge (toRequest, responseEvents) lets the application be a
// plain fetch-style handler, (Request) => Response. Put nginx in front of it as for
// node-server.mjs (see nginx.conf beside this file).
//
//   npm run build && bun examples/bun-server.ts            # listens on 127.0.0.1:4000
//   PORT=0 HOST=0.0.0.0 bun examples/bun-server.ts         # 0: any free port
//
// It imports "sioscgi" as an application would; run from this repository, Bun resolves the
// name through package.json's exports to the build in dist/, hence `npm run build` first.
// Request bodies are read whole before the handler runs, which keeps this short; the Node
// helper (sioscgi/node) streams them with backpressure instead.
import type { Socket } from "bun";
import { RemoteProtocolError, type RequestHeaders, SCGIConnection, SCGIWriter } from "sioscgi";
import { responseEvents, toRequest } from "sioscgi/fetch";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 4000);

/** The application: any fetch-style handler. This one says what it was asked. */
async function app(request: Request): Promise<Response> {
  const body = await request.arrayBuffer();
  const { pathname, search } = new URL(request.url);
  const text = [
    `Hello from sioscgi on Bun ${Bun.version}`,
    `${request.method} ${pathname}${search}`,
    `body: ${body.byteLength} bytes`,
    "",
  ].join("\n");
  return new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** What the server keeps for one connection (SCGI carries one request per connection). */
interface Exchange {
  readonly scgi: SCGIConnection;
  headers: RequestHeaders | null;
  readonly body: Uint8Array[];
  /** Set once the request is complete or malformed: anything received later is ignored. */
  answering: boolean;
  /** Bytes the socket could not take yet, and the write waiting for them to go. */
  unsent: { bytes: Uint8Array; settle: (error?: Error) => void } | null;
}

/** A plain-text response, for the server's own answers to a malformed request or a failed handler. */
function plainText(status: number, text: string): Response {
  return new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** Joins the body's chunks. */
function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}

/**
 * Writes as much of the unsent bytes as the socket takes. Bun's `write` never buffers: it
 * returns how much it wrote, and the `drain` handler calls this again for the rest.
 */
function flush(socket: Socket<Exchange>): void {
  const unsent = socket.data.unsent;
  if (unsent === null) return;
  const written = socket.write(unsent.bytes);
  if (written < 0) {
    socket.data.unsent = null;
    unsent.settle(new Error("the connection is closed"));
  } else if (written === unsent.bytes.length) {
    socket.data.unsent = null;
    unsent.settle();
  } else {
    unsent.bytes = unsent.bytes.subarray(written);
  }
}

/** Writes all of `bytes`, resolving once the socket has taken the last of them. */
function write(socket: Socket<Exchange>, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.data.unsent = { bytes, settle: (error) => (error === undefined ? resolve() : reject(error)) };
    flush(socket);
  });
}

/** Writes a Response through `writer`, chunk by chunk, then closes the connection. */
async function answer(
  socket: Socket<Exchange>,
  writer: SCGIConnection | SCGIWriter,
  response: Response,
): Promise<void> {
  try {
    for await (const event of responseEvents(response)) {
      const bytes = writer.send(event);
      if (bytes !== null) await write(socket, bytes);
    }
  } catch (error) {
    console.error(`connection error: ${error}`);
  } finally {
    socket.end();
  }
}

/** Runs the application on a complete request; a handler that throws gets a 500. */
async function run(request: Request): Promise<Response> {
  try {
    return await app(request);
  } catch (error) {
    console.error("the handler failed:", error);
    return plainText(500, "Internal Server Error\n");
  }
}

/** Feeds received bytes (empty at EOF) to the core and acts on the events they complete. */
function receive(socket: Socket<Exchange>, chunk: Uint8Array): void {
  const exchange = socket.data;
  if (exchange.answering) return;
  try {
    exchange.scgi.receiveData(chunk);
    for (let event = exchange.scgi.nextEvent(); event !== null; event = exchange.scgi.nextEvent()) {
      switch (event.type) {
        case "RequestHeaders":
          exchange.headers = event;
          break;
        case "RequestBody":
          exchange.body.push(event.data);
          break;
        case "RequestEnd": {
          exchange.answering = true;
          const request = toRequest(exchange.headers as RequestHeaders, concat(exchange.body));
          void run(request).then((response) => answer(socket, exchange.scgi, response));
          return;
        }
      }
    }
  } catch (error) {
    if (!(error instanceof RemoteProtocolError)) throw error;
    // The peer broke the protocol: answer with the status the error suggests (400, or
    // 413/431 for a limit), through a fresh writer, since the connection's is now broken.
    console.error(`bad request: ${error.code}: ${error.message}`);
    exchange.answering = true;
    void answer(socket, new SCGIWriter(), plainText(error.httpStatus, `${error.message}\n`));
  }
}

let open = 0;
let stopping = false;

const listener = Bun.listen<Exchange>({
  hostname: host,
  port,
  // Without this, Bun closes the connection when the web server shuts down its sending
  // side after the request, before the response is written.
  allowHalfOpen: true,
  socket: {
    open(socket) {
      open++;
      socket.data = { scgi: new SCGIConnection(), headers: null, body: [], answering: false, unsent: null };
    },
    // A copy: body events are views into the chunk, and this keeps them valid.
    data: (socket, chunk) => receive(socket, new Uint8Array(chunk)),
    end: (socket) => receive(socket, new Uint8Array(0)),
    drain: flush,
    close(socket) {
      socket.data.unsent?.settle(new Error("the connection is closed"));
      open--;
      if (stopping && open === 0) process.exit(0);
    },
    error: (_socket, error) => console.error(`connection error: ${error.message}`),
  },
});
console.log(`SCGI server listening on ${listener.hostname}:${listener.port}`);

// On Ctrl-C or SIGTERM: stop accepting, let the requests in flight finish, then exit.
const stop = (): void => {
  stopping = true;
  listener.stop();
  if (open === 0) process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
