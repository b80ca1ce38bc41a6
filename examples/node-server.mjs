// A complete SCGI application server on node:net and the sioscgi core, ready to sit behind
// nginx (see nginx.conf beside this file), Apache or lighttpd.
//
//   npm run build && node examples/node-server.mjs    # listens on 127.0.0.1:4000
//   PORT=9000 HOST=0.0.0.0 node examples/node-server.mjs
//
// Each connection carries one request: read it through an SCGIConnection, answer, close.
import net from "node:net";
import { encodeResponse, RemoteProtocolError, ResponseHeaders, SCGIConnection } from "sioscgi";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 4000);
const utf8 = new TextDecoder();
const latin1 = (bytes) => String.fromCharCode(...(bytes ?? []));
const REASONS = { 400: "Bad Request", 413: "Content Too Large", 431: "Request Header Fields Too Large" };

/** Serves one SCGI connection: echoes what the request looked like. */
function serve(socket) {
  const conn = new SCGIConnection();
  let environment = null;
  let responded = false;
  const bodyChunks = [];

  // Writes a whole plain-text response and closes. encodeResponse has a writer of its own,
  // so it works even once the connection is poisoned by a malformed request.
  const respond = (status, text) => {
    const body = new TextEncoder().encode(text);
    const headers = [
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", String(body.length)],
    ];
    socket.end(encodeResponse(new ResponseHeaders(status, headers), body));
    responded = true;
  };

  const drain = () => {
    try {
      for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) {
        switch (event.type) {
          case "RequestHeaders":
            environment = event.environment;
            break;
          case "RequestBody":
            // A view into the socket's chunk; Node never reuses those, so keeping it is safe.
            bodyChunks.push(event.data);
            break;
          case "RequestEnd": {
            const body = Buffer.concat(bodyChunks);
            respond(
              "200 OK",
              [
                `Hello from sioscgi on Node ${process.version}`,
                `${latin1(environment.get("REQUEST_METHOD"))} ${latin1(environment.get("REQUEST_URI"))}`,
                `body: ${body.length} bytes${body.length > 0 ? `: ${utf8.decode(body.subarray(0, 200))}` : ""}`,
                "",
                "Environment:",
                ...[...environment].map(([name, value]) => `  ${name}=${latin1(value)}`),
                "",
              ].join("\n"),
            );
            break;
          }
        }
      }
    } catch (error) {
      if (!(error instanceof RemoteProtocolError)) throw error;
      // The peer broke the protocol. If no response has started, answer with the status the
      // error suggests (400, or 413/431 for a limit); then close.
      console.error(`bad request: ${error.code}: ${error.message}`);
      if (responded) socket.destroy();
      else respond(`${error.httpStatus} ${REASONS[error.httpStatus]}`, `${error.message}\n`);
    }
  };

  socket.on("data", (chunk) => {
    conn.receiveData(chunk);
    drain();
  });
  socket.on("end", () => {
    conn.receiveData(new Uint8Array(0)); // EOF
    drain();
  });
  socket.on("error", (error) => console.error(`socket error: ${error.message}`));
}

const server = net.createServer(serve);
server.listen(port, host, () => {
  const address = server.address();
  console.log(`SCGI server listening on ${address.address}:${address.port}`);
});
process.on("SIGINT", () => server.close(() => process.exit(0)));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
