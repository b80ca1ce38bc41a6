// Coverage-guided fuzz target for the receive half (run with `npm run fuzz`).
//
// The first input byte chooses the options and the chunk size, so that the fuzzer explores
// chunking as well as content. Each input is parsed twice, in one chunk and in chunks of the
// chosen size, and the two must agree. What counts as a finding:
// - any exception other than a RemoteProtocolError thrown by nextEvent;
// - events out of order (RequestHeaders first, non-empty RequestBody, RequestEnd last);
// - more bytes buffered than rxBufferLimit;
// - a different outcome for the same bytes cut differently: the same error, or else the same
//   environment, body and end. (Events queued before an error are discarded, as documented,
//   so when there is an error only the error is compared.)
const { RequestBody, RequestEnd, RequestHeaders, SCGIReader } = require("../dist/index.cjs");
const { expectSameOutcome, feed } = require("./feed.cjs");

const LIMIT = 512;

/** Feeds `input` in chunks of `chunkSize` (then EOF) and summarises what came out. */
function run(options, input, chunkSize) {
  const summary = { environment: null, body: [], ended: false, error: null };
  summary.error = feed(new SCGIReader(options), input, chunkSize, LIMIT, (event) => {
    if (summary.ended) throw new Error("event after RequestEnd");
    if (event instanceof RequestHeaders) {
      if (summary.environment !== null) throw new Error("second RequestHeaders");
      summary.environment = [...event.environment].map(
        ([name, value]) => `${name}=${Buffer.from(value).toString("hex")}`,
      );
    } else if (summary.environment === null) {
      throw new Error(`${event.type} before RequestHeaders`);
    } else if (event instanceof RequestBody) {
      if (event.data.length === 0) throw new Error("empty RequestBody");
      summary.body.push(Buffer.from(event.data).toString("hex"));
    } else if (event instanceof RequestEnd) {
      summary.ended = true;
    }
  });
  return summary;
}

module.exports.fuzz = (data) => {
  if (data.length === 0) return;
  const control = data[0];
  const options = {
    rxBufferLimit: LIMIT,
    extraData: control & 1 ? "ignore" : "error",
    duplicateHeaders: control & 2 ? "merge" : "error",
    // Low enough that an input of LIMIT bytes can exceed it, high enough for the seeds.
    variableLimit: 64,
  };
  const input = data.subarray(1);
  expectSameOutcome(run(options, input, Math.max(input.length, 1)), run(options, input, (control >> 2) + 1));
};
