/**
 * This library's own server, sioscgi/node, serving the same answers as
 * test/interop/fixtures/echo_app.py does under uWSGI, so that one suite of client tests runs
 * against both.
 */

import { createHash } from "node:crypto";
import { createServer } from "../../../src/node.js";
import { close, listen } from "../../support/net.js";
import type { ServerProcess } from "../harness.js";

/** The variables the echo returns, as echo_app.py selects them. */
const SELECTED = ["REQUEST_METHOD", "QUERY_STRING", "CONTENT_LENGTH", "CONTENT_TYPE", "SERVER_PROTOCOL", "HTTP_X_TEXT"];

const REASONS: Record<number, string> = { 200: "OK", 201: "Created", 404: "Not Found", 500: "Internal Server Error" };

/** The body /bytes/<size> answers with, as echo_app.py makes it. */
export const bytes = (size: number): Uint8Array<ArrayBuffer> =>
  new Uint8Array(size).map((_, index) => (index * 7 + 3) % 251);

export async function startNodeServer(): Promise<ServerProcess> {
  const errors: unknown[] = [];
  const server = createServer(
    async (request, scgi) => {
      const body = new Uint8Array(await request.arrayBuffer());
      const variable = (name: string): Uint8Array | undefined => scgi.environment.get(name);
      const path = Buffer.from(variable("PATH_INFO") ?? []).toString("latin1");
      if (path.startsWith("/bytes/")) return new Response(bytes(Number(path.slice("/bytes/".length))));
      if (path.startsWith("/status/")) {
        const code = Number(path.slice("/status/".length));
        const headers = new Headers({ "content-type": "text/plain", "x-served-by": "sioscgi" });
        headers.append("set-cookie", "a=1");
        headers.append("set-cookie", "b=2");
        return new Response(`status ${code}\n`, { status: code, statusText: REASONS[code] ?? "Other", headers });
      }
      return Response.json({
        method: request.method,
        path,
        length: body.length,
        sha256: createHash("sha256").update(body).digest("hex"),
        padding: variable("HTTP_X_PADDING")?.length ?? 0,
        variables: Object.fromEntries(
          SELECTED.map((name) => {
            const value = variable(name);
            return [name, value === undefined ? null : Buffer.from(value).toString("hex")];
          }),
        ),
      });
    },
    { onError: (error) => errors.push(error) },
  );
  const port = await listen(server);
  return {
    port,
    target: `127.0.0.1:${port}`,
    output: () => errors.map(String).join("\n"),
    stop: () => close(server),
  };
}
