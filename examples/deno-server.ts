/// <reference lib="deno.ns" />
// An SCGI application server on Deno.listen: the sioscgi core reads each request and writes
// its response, and the fetch bridge (toRequest, responseEvents) lets the application be a
// plain fetch-style handler, (Request) => Response. Put nginx in front of it as for
// node-server.mjs (see nginx.conf beside this file).
//
//   npm run build && deno run --allow-net --allow-env examples/deno-server.ts   # 127.0.0.1:4000
//   PORT=0 HOST=0.0.0.0 deno run --allow-net --allow-env examples/deno-server.ts  # 0: any free port
//
// It imports "sioscgi" as an application would; run from this repository, Deno resolves the
// name through package.json's exports to the build in dist/, hence `npm run build` first.
// Request bodies are read whole before the handler runs, which keeps this short; the Node
// helper (sioscgi/node) streams them with backpressure instead.
import { RemoteProtocolError, type RequestHeaders, SCGIConnection, SCGIWriter } from "sioscgi";
import { responseEvents, toRequest } from "sioscgi/fetch";

const host = Deno.env.get("HOST") ?? "127.0.0.1";
const port = Number(Deno.env.get("PORT") ?? 4000);

/** The application: any fetch-style handler. This one says what it was asked. */
async function app(request: Request): Promise<Response> {
  const body = await request.arrayBuffer();
  const { pathname, search } = new URL(request.url);
  const text = [
    `Hello from sioscgi on Deno ${Deno.version.deno}`,
    `${request.method} ${pathname}${search}`,
    `body: ${body.byteLength} bytes`,
    "",
  ].join("\n");
  return new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
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

/** Reads one whole request from the connection. Throws a RemoteProtocolError if it is malformed. */
async function readRequest(conn: Deno.Conn, scgi: SCGIConnection): Promise<Request> {
  const buffer = new Uint8Array(64 * 1024);
  let headers: RequestHeaders | null = null;
  const body: Uint8Array[] = [];
  for (;;) {
    for (let event = scgi.nextEvent(); event !== null; event = scgi.nextEvent()) {
      switch (event.type) {
        case "RequestHeaders":
          headers = event;
          break;
        case "RequestBody":
          body.push(event.data);
          break;
        case "RequestEnd":
          return toRequest(headers as RequestHeaders, concat(body));
      }
    }
    const length = await conn.read(buffer);
    // A copy: body events are views into the chunk, and the buffer is read into again.
    scgi.receiveData(length === null ? new Uint8Array(0) : buffer.slice(0, length));
  }
}

/** Writes a Response through `writer`, chunk by chunk, waiting for each write to finish. */
async function writeResponse(conn: Deno.Conn, writer: SCGIConnection | SCGIWriter, response: Response): Promise<void> {
  for await (const event of responseEvents(response)) {
    const bytes = writer.send(event);
    for (let offset = 0; bytes !== null && offset < bytes.length; ) offset += await conn.write(bytes.subarray(offset));
  }
}

/** Serves one SCGI connection, which carries one request. */
async function serve(conn: Deno.Conn): Promise<void> {
  const scgi = new SCGIConnection();
  try {
    let request: Request;
    try {
      request = await readRequest(conn, scgi);
    } catch (error) {
      if (!(error instanceof RemoteProtocolError)) throw error;
      // The peer broke the protocol: answer with the status the error suggests (400, or
      // 413/431 for a limit), through a fresh writer, since the connection's is now broken.
      console.error(`bad request: ${error.code}: ${error.message}`);
      await writeResponse(conn, new SCGIWriter(), plainText(error.httpStatus, `${error.message}\n`));
      return;
    }
    let response: Response;
    try {
      response = await app(request);
    } catch (error) {
      console.error("the handler failed:", error);
      response = plainText(500, "Internal Server Error\n");
    }
    await writeResponse(conn, scgi, response);
  } finally {
    conn.close();
  }
}

const listener = Deno.listen({ hostname: host, port });
console.log(`SCGI server listening on ${listener.addr.hostname}:${listener.addr.port}`);

// On Ctrl-C or SIGTERM: stop accepting, let the requests in flight finish, then exit.
const inFlight = new Set<Promise<void>>();
const stop = async (): Promise<void> => {
  listener.close();
  await Promise.allSettled(inFlight);
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);

for await (const conn of listener) {
  const served: Promise<void> = serve(conn)
    .catch((error) => console.error(`connection error: ${error}`))
    .finally(() => inFlight.delete(served));
  inFlight.add(served);
}
