// A small web application served over SCGI with sioscgi/node: a page that shows the request
// it received, and a form that posts back to it.
//
//   npm run build && node examples/hello-app.mjs      # SCGI on 127.0.0.1:4000 (PORT, HOST change it)
//   npm run demo                                      # the same, with nginx in front when it is installed
import { pathToFileURL } from "node:url";
import { createServer } from "sioscgi/node";

const html = (text) => text.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);
const latin1 = (bytes) => (bytes === undefined ? "" : String.fromCharCode(...bytes));

/** The fetch-style handler: a web Request in, a web Response out. */
export async function handler(request, scgi) {
  const url = new URL(request.url);
  const posted = request.method === "POST" ? await request.text() : null;
  const variables = [...scgi.environment].map(([name, value]) => `${html(name)}=${html(latin1(value))}`).join("\n");
  const page = `<!doctype html>
<meta charset="utf-8">
<title>sioscgi demo</title>
<h1>Hello over SCGI</h1>
<p>${html(request.method)} <code>${html(url.pathname + url.search)}</code>, served by sioscgi on Node ${process.version}.</p>
${posted === null ? "" : `<p>You posted: <code>${html(posted)}</code></p>`}
<form method="post"><input name="message" placeholder="Say something"> <button>Post</button></form>
<h2>The SCGI environment</h2>
<pre>${variables}</pre>
`;
  return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
}

/** Serves `handler` over SCGI on host:port; resolves to the server once it listens. */
export function serve(host, port) {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

// Run as a program (not imported by the demo or a test)? Compared as URLs, since a path
// with a space or a non-ASCII character is percent-encoded in import.meta.url.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await serve(process.env.HOST ?? "127.0.0.1", Number(process.env.PORT ?? 4000));
  const { address, port } = server.address();
  console.log(`SCGI application listening on ${address}:${port}`);
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
}
