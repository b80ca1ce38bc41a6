/**
 * This library's client against this library's server, sioscgi/node, over a real socket:
 * the same cases as against uWSGI. The server's limit is its rxBufferLimit (65536 bytes by
 * default) on the environment netstring's declared length; over it, the server fails with
 * EnvironmentTooLongError as soon as the length prefix shows it, answers 431, reads on
 * (dropping the rest) until the client closes, and closes.
 */

import { clientSuite } from "./client-suite.js";
import { startNodeServer } from "./servers/sioscgi-node.js";

clientSuite("sioscgi/node", startNodeServer, {
  fits(variables) {
    let block = 0;
    for (const [name, value] of variables) block += name.length + value.length + 2;
    return block <= 65536;
  },
  justOver: { answer: "431 Request Header Fields Too Large" },
  farOver: { answer: "431 Request Header Fields Too Large" },
  farOverPadding: 200_000,
  justOverReport: /EnvironmentTooLongError: Environment of 65537 bytes/,
  farOverReport: /EnvironmentTooLongError: Environment of 2\d{5} bytes/,
  bodyForHead: false,
});
