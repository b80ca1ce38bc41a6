// Packs the library as npm would publish it, installs the tarball into a scratch project,
// and runs one SCGI request through it from ESM (import) and from CommonJS (require), so
// that a broken exports map or a missing file fails here rather than for a user.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const scratch = mkdtempSync(join(tmpdir(), "sioscgi-package-"));
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "inherit"] }).toString();

// One request through the public API; prints the response bytes it produced.
const body = (importLine) => `${importLine}
const conn = new SCGIConnection();
const request = "24:CONTENT_LENGTH\\u00000\\u0000SCGI\\u00001\\u0000,";
conn.receiveData(Uint8Array.from(request, (c) => c.charCodeAt(0)));
conn.receiveData(new Uint8Array(0));
const types = [];
for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) types.push(event.type);
if (types.join() !== "RequestHeaders,RequestEnd") throw new Error("unexpected events " + types);
const wire = conn.send(new ResponseHeaders("200 OK", [["Content-Type", "text/plain"]]));
conn.send(new ResponseEnd());
if (conn.txState !== TXState.DONE) throw new Error("unexpected state " + conn.txState);
if (typeof createServer !== "function" || typeof toRequest !== "function") throw new Error("missing entry points");
// sioscgi/http serves node:http applications: its server is an http.Server.
if (!(createHTTPServer() instanceof Server)) throw new Error("sioscgi/http's server is not an http.Server");
// The entry points share one core: an event from sioscgi/fetch is an instance of sioscgi's class.
if (!(toResponseHeaders(new Response("x")) instanceof ResponseHeaders)) throw new Error("two copies of the core");
// The client side reads what the server side wrote.
const decoded = decodeResponse(wire);
if (decoded.status !== 200 || decoded.headers.contentType !== "text/plain") throw new Error("decodeResponse failed");
if (encodeRequest({}, new Uint8Array(0)).length !== request.length) throw new Error("encodeRequest failed");
// sioscgi/testing runs a handler through both sides, with no socket.
serveInMemory(() => new Response("in memory"), new Request("http://app.test/"))
  .then((response) => response.text())
  .then((text) => {
    if (text !== "in memory") throw new Error("serveInMemory answered " + JSON.stringify(text));
  })
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
process.stdout.write(String.fromCharCode(...wire));
`;

try {
  const tarball = join(
    scratch,
    run("npm", ["pack", "--silent", "--pack-destination", scratch], root).trim().split("\n").pop(),
  );
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true }));
  run("npm", ["install", "--silent", "--no-audit", "--no-fund", tarball], scratch);
  writeFileSync(
    join(scratch, "esm.mjs"),
    body(
      [
        'import { SCGIConnection, ResponseHeaders, ResponseEnd, TXState, decodeResponse, encodeRequest } from "sioscgi";',
        'import { toRequest, toResponseHeaders } from "sioscgi/fetch";',
        'import { createServer } from "sioscgi/node";',
        'import { createServer as createHTTPServer } from "sioscgi/http";',
        'import { Server } from "node:http";',
        'import { serveInMemory } from "sioscgi/testing";',
      ].join("\n"),
    ),
  );
  writeFileSync(
    join(scratch, "cjs.cjs"),
    body(
      [
        'const { SCGIConnection, ResponseHeaders, ResponseEnd, TXState, decodeResponse, encodeRequest } = require("sioscgi");',
        'const { toRequest, toResponseHeaders } = require("sioscgi/fetch");',
        'const { createServer } = require("sioscgi/node");',
        'const { createServer: createHTTPServer } = require("sioscgi/http");',
        'const { Server } = require("node:http");',
        'const { serveInMemory } = require("sioscgi/testing");',
      ].join("\n"),
    ),
  );
  // Every entry point in the exports map (the list test/package/entry-points.test.ts keeps
  // equal to tsup.config.ts), imported and required from the installed tarball.
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const specifiers = Object.keys(manifest.exports)
    .filter((subpath) => subpath !== "./package.json")
    .map((subpath) => manifest.name + subpath.slice(1));
  writeFileSync(
    join(scratch, "entries.mjs"),
    [
      'import { createRequire } from "node:module";',
      "const require = createRequire(import.meta.url);",
      `for (const specifier of ${JSON.stringify(specifiers)}) {`,
      "  const imported = Object.keys(await import(specifier)).sort().join();",
      "  const required = Object.keys(require(specifier)).sort().join();",
      '  if (imported === "" || imported !== required) throw new Error(specifier + ": import gives " + imported + ", require " + required);',
      "}",
    ].join("\n"),
  );
  run("node", ["entries.mjs"], scratch);
  console.log(`package check: ${specifiers.join(", ")} import and require with the same exports`);
  const expected = "Content-Type: text/plain\r\nStatus: 200 OK\r\n\r\n";
  for (const file of ["esm.mjs", "cjs.cjs"]) {
    const output = run("node", [file], scratch);
    if (output !== expected) throw new Error(`${file} produced ${JSON.stringify(output)}`);
    console.log(`package check: ${file} ran one request through the installed tarball`);
  }
  // The sioscgi command, through the bin npm links (its shebang, the executable bit).
  const help = run(join(scratch, "node_modules", ".bin", "sioscgi"), ["--help"], scratch);
  if (!help.startsWith("Usage: sioscgi serve")) throw new Error(`sioscgi --help printed ${JSON.stringify(help)}`);
  console.log("package check: the sioscgi command runs through its bin");
  const files = run("tar", ["-tzf", tarball], scratch).trim().split("\n").sort();
  console.log(`package check: tarball holds ${files.join(", ")}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
