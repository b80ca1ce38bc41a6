/**
 * uWSGI 2.0 (python3 plugin) as the SCGI server, with test/interop/fixtures/echo_app.py: the
 * client suite against `--scgi-socket`, and the NPH status line of `--scgi-nph-socket`.
 *
 * uWSGI's limit on a request's variables, read from its source (proto/scgi.c, proto/base.c)
 * and checked here byte for byte: the netstring, with its length prefix and comma, must fit
 * in `--buffer-size` (4096 bytes by default), or uWSGI logs "invalid SCGI request size" and
 * drops the connection; and the variables, converted to its own packet format (each name and
 * value behind a 2-byte length, 4 bytes per variable against SCGI's 2 NULs), must take less
 * than `--buffer-size`, or it logs "unable to add" the variable that does not fit and closes
 * the connection without answering. With any realistic environment the second rule is the
 * one that bites, some bytes before the netstring reaches 4096.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scgiRequest } from "../../src/node.js";
import { clientSuite } from "./client-suite.js";
import type { ServerProcess } from "./harness.js";
import { startUwsgi, UWSGI_BUFFER_SIZE } from "./servers/uwsgi.js";

clientSuite("uWSGI (--scgi-socket)", () => startUwsgi("--scgi-socket"), {
  fits(variables) {
    let block = 0;
    let packet = 0;
    for (const [name, value] of variables) {
      block += name.length + value.length + 2;
      packet += name.length + value.length + 4;
    }
    const netstring = String(block).length + 1 + block + 1;
    return netstring <= UWSGI_BUFFER_SIZE && packet < UWSGI_BUFFER_SIZE;
  },
  justOver: "EOF",
  farOver: "reset",
  farOverPadding: 8192,
  justOverReport: /unable to add HTTP_X_PADDING=p+ to uwsgi packet/,
  farOverReport: /invalid SCGI request size \(max 4096\)/,
  bodyForHead: true,
});

describe("uWSGI (--scgi-nph-socket): a response with an HTTP status line", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startUwsgi("--scgi-nph-socket");
  });

  afterAll(async () => {
    await server?.stop();
  });

  for (const protocol of ["HTTP/1.1", "HTTP/1.0"]) {
    it(`${protocol}: the status line is read as the status`, async () => {
      const response = await scgiRequest(server.target, {
        environment: { PATH_INFO: "/status/201", SERVER_PROTOCOL: protocol },
      });
      expect([response.status, response.statusText]).toEqual([201, "Created"]);
      expect(response.headers.get("content-type")).toBe("text/plain");
      expect(await response.text()).toBe("status 201\n");
    });
  }
});
