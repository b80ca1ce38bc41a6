// Coverage-guided fuzz target for the client's receive half (`npm run fuzz -- response-reader`).
//
// The first input byte chooses the request method (HEAD or not) and the chunk size, so that
// the fuzzer explores chunking as well as content. Each input is parsed twice, in one chunk
// and in chunks of the chosen size, and the two must agree. What counts as a finding:
// - any exception other than a RemoteProtocolError thrown by nextEvent, or any thrown by
//   receiveData;
// - events out of order (ResponseHeaders first, non-empty ResponseBody, ResponseEnd last);
// - a status that is not a code from 200 to 599, or a hop-by-hop header passed on;
// - more bytes buffered than rxBufferLimit;
// - a body whose framing leaked: a response that announced chunked framing and completed
//   must have produced exactly what an independent dechunker makes of its body;
// - a different outcome for the same bytes cut differently: the same error, or else the same
//   headers, body and end. (Events queued before an error are discarded, as documented, so
//   when there is an error only the error is compared.)
const { ResponseBody, ResponseEnd, ResponseHeaders, SCGIClientReader } = require("../dist/index.cjs");
const { expectSameOutcome, feed } = require("./feed.cjs");

const LIMIT = 512;
const HOP_BY_HOP =
  /^(connection|keep-alive|proxy-authenticate|proxy-authorization|te|trailers|transfer-encoding|upgrade)$/i;

/** Feeds `input` in chunks of `chunkSize` (then EOF) and summarises what came out. */
function run(options, input, chunkSize) {
  const summary = { headers: null, body: [], ended: false, error: null };
  summary.error = feed(new SCGIClientReader(options), input, chunkSize, LIMIT, (event) => {
    if (summary.ended) throw new Error("event after ResponseEnd");
    if (event instanceof ResponseHeaders) {
      if (summary.headers !== null) throw new Error("second ResponseHeaders");
      if (!/^[2-5][0-9][0-9]( |$)/.test(event.status)) throw new Error(`status ${event.status}`);
      for (const [name] of event.otherHeaders) if (HOP_BY_HOP.test(name)) throw new Error(`${name} passed on`);
      summary.headers = JSON.stringify([event.status, event.contentType, event.location, event.otherHeaders]);
    } else if (summary.headers === null) {
      throw new Error(`${event.type} before ResponseHeaders`);
    } else if (event instanceof ResponseBody) {
      if (event.data.length === 0) throw new Error("empty ResponseBody");
      summary.body.push(Buffer.from(event.data).toString("latin1"));
    } else if (event instanceof ResponseEnd) {
      summary.ended = true;
    }
  });
  return summary;
}

/**
 * What a chunked body decodes to, by a deliberately different method (regular expressions
 * over the whole text), or `null` if `framed` is not a complete chunked body.
 */
function dechunk(framed) {
  let rest = framed;
  let out = "";
  for (;;) {
    const line = /^([0-9A-Fa-f]+)[ \t]*(;[^\r\n]*)?\r?\n/.exec(rest);
    if (line === null) return null;
    const size = Number.parseInt(line[1], 16);
    rest = rest.slice(line[0].length);
    if (size === 0) {
      const trailers = /^([^\n]*\n)*?\r?\n$/.exec(rest);
      return trailers === null ? null : out;
    }
    if (rest.length < size) return null;
    out += rest.slice(0, size);
    const end = /^\r?\n/.exec(rest.slice(size));
    if (end === null) return null;
    rest = rest.slice(size + end[0].length);
  }
}

module.exports.fuzz = (data) => {
  if (data.length === 0) return;
  const control = data[0];
  const options = { rxBufferLimit: LIMIT, ...(control & 1 ? { requestMethod: "HEAD" } : {}) };
  const input = data.subarray(1);
  const whole = run(options, input, Math.max(input.length, 1));
  expectSameOutcome(whole, run(options, input, (control >> 1) + 1));
  // A completed response that announced chunked framing in a plain header block.
  const text = Buffer.from(input).toString("latin1");
  const blockEnd = /(?:^|\n)\r?\n/.exec(text); // the first empty line
  if (
    whole.ended &&
    blockEnd !== null &&
    /^transfer-encoding:[ \t]*chunked[ \t]*\r?$/im.test(text.slice(0, blockEnd.index))
  ) {
    const framed = text.slice(blockEnd.index + blockEnd[0].length);
    const body = whole.body.join("");
    if (framed.length > 0 && dechunk(framed) !== body)
      throw new Error(`chunked body decoded to ${JSON.stringify(body)}`);
  }
};
