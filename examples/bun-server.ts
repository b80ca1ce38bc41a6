// An SCGI application server on Bun: sioscgi/bun serves a plain fetch-style handler,
// (Request) => Response, streaming both ways. Put nginx in front of it as for
// node-server.mjs (see nginx.conf beside this file).
//
//   npm run build && bun examples/bun-server.ts            # listens on 127.0.0.1:4000
//   PORT=0 HOST=0.0.0.0 bun examples/bun-server.ts         # 0: any free port
//
// It imports "sioscgi" as an application would; run from this repository, Bun resolves the
// name through package.json's exports to the build in dist/, hence `npm run build` first.
import { serve } from "sioscgi/bun";

/** The application: any fetch-style handler. This one says what it was asked. */
async function app(request: Request): Promise<Response> {
  const body = await request.arrayBuffer();
  const { pathname, search } = new URL(request.url);
  const text = `Hello from sioscgi on Bun ${Bun.version}\n${request.method} ${pathname}${search}\nbody: ${body.byteLength} bytes\n`;
  return new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

const server = serve(app, { hostname: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 4000) });
if ("port" in server.address) console.log(`SCGI server listening on ${server.address.hostname}:${server.address.port}`);

// On Ctrl-C or SIGTERM: stop accepting, let the requests in flight finish for up to 10 s,
// end the rest, then exit.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void server.shutdown(10_000));
await server.finished;
process.exit(0);
