/**
 * uWSGI 2.0 with its python3 plugin, serving test/interop/fixtures/echo_app.py over SCGI on
 * loopback: `--scgi-socket` answers CGI-style (`Status: 200 OK`), `--scgi-nph-socket` with
 * an HTTP status line (`HTTP/1.1 200 OK`, from SERVER_PROTOCOL).
 */

import { fileURLToPath } from "node:url";
import { freePort, program, runServer, type ServerProcess, scratchDirectory } from "../harness.js";

const APP = fileURLToPath(new URL("../fixtures/echo_app.py", import.meta.url));

/** uWSGI's default `--buffer-size`, which bounds the request's variables. */
export const UWSGI_BUFFER_SIZE = 4096;

export async function startUwsgi(socket: "--scgi-socket" | "--scgi-nph-socket"): Promise<ServerProcess> {
  const uwsgi = program("uwsgi");
  const directory = scratchDirectory("uwsgi");
  const port = await freePort();
  return runServer(
    uwsgi,
    // --need-app: fail to start, rather than answer every request with an error, if the app does not load.
    ["--plugin", "python3", socket, `127.0.0.1:${port}`, "--wsgi-file", APP, "--need-app", "--chdir", directory],
    port,
    directory,
  );
}
