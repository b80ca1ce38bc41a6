/** lighttpd in front of the app: `mod_scgi` on every path. */

import { type Frontend, startFrontend } from "../harness.js";

/**
 * `streamRequestBody` is `server.stream-request-body`: 0 (the default) buffers each whole
 * request body in `server.upload-dirs` before the app hears of the request; 1 and 2 stream
 * it as it arrives, and then refuse a chunked upload with 411. `streamResponseBody` is
 * `server.stream-response-body`: 0 (the default) buffers each whole response, and then
 * passes a response the app cut short with a reset on as complete, with the length it
 * got; 1 and 2 stream it, and end a cut one without its last chunk. With no
 * `server.errorlog`, errors go to stderr; `server.username` and `server.groupname` apply
 * only when lighttpd starts as root.
 */
export function startLighttpd(
  appPort: number,
  streamRequestBody: 0 | 1 | 2 = 0,
  streamResponseBody: 0 | 1 | 2 = 0,
): Promise<Frontend> {
  return startFrontend(
    "lighttpd",
    (directory, port) => `server.modules = ( "mod_scgi" )
server.bind = "127.0.0.1"
server.port = ${port}
server.username = "www-data"
server.groupname = "www-data"
server.document-root = "${directory}"
server.upload-dirs = ( "${directory}" )
server.stream-request-body = ${streamRequestBody}
server.stream-response-body = ${streamResponseBody}
scgi.server = ( "/" => (( "host" => "127.0.0.1", "port" => ${appPort}, "check-local" => "disable" )) )
`,
    (configFile) => ["-D", "-f", configFile],
  );
}
