/**
 * The llhttp baseline: Node's own HTTP/1.1 parser, driven the way Node's HTTP server
 * drives it (lib/_http_server.js and lib/_http_common.js): one parser object, reinitialized
 * for each connection as Node's parser free list does, fed with `execute`, its results
 * delivered to callbacks. The callbacks here only count; Node's server would build an
 * IncomingMessage, so this is llhttp's parse-only cost, a lower bound on what node:http
 * spends per request.
 */

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { HTTPParser } = require("node:_http_common");

export class LlhttpRequestParser {
  parser = new HTTPParser();
  headerStrings = 0;
  bodyBytes = 0;
  complete = false;

  /** @param maxHeaderSize - llhttp's limit on the head; 0 is Node's default (16 KiB). */
  constructor(maxHeaderSize = 0) {
    this.maxHeaderSize = maxHeaderSize;
    // With more than 32 header fields, Node's binding flushes them through kOnHeaders.
    this.parser[HTTPParser.kOnHeaders] = (headers) => {
      this.headerStrings += headers.length;
    };
    this.parser[HTTPParser.kOnHeadersComplete] = (_major, _minor, headers) => {
      this.headerStrings += headers?.length ?? 0;
      return 0; // 1 would tell llhttp to skip the body
    };
    this.parser[HTTPParser.kOnBody] = (data) => {
      this.bodyBytes += data.length;
    };
    this.parser[HTTPParser.kOnMessageComplete] = () => {
      this.complete = true;
    };
  }

  /** Readies the parser for a new connection, as `parsers.alloc()` + `initialize` do in Node's server. */
  start() {
    this.parser.initialize(HTTPParser.REQUEST, {}, this.maxHeaderSize, HTTPParser.kLenientNone);
    this.headerStrings = 0;
    this.bodyBytes = 0;
    this.complete = false;
  }

  /** Parses one chunk; throws llhttp's error if the request is malformed. */
  receiveData(chunk) {
    const result = this.parser.execute(chunk);
    if (result instanceof Error) throw result;
  }
}
