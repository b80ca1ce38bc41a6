// What every fuzz target does with a reader: feed it an input cut into chunks, and compare
// what two cuttings of the same input made of it.
const { RemoteProtocolError } = require("../dist/index.cjs");

/**
 * Feeds `input` to `reader` in chunks of `chunkSize`, then EOF (an empty chunk), handing each
 * event to `take` as soon as it is queued. Returns the `code` of the RemoteProtocolError
 * `nextEvent` threw, or `null`. Anything else thrown (by the reader or by `take`) is a
 * finding, and so is a reader holding more than `limit` bytes.
 */
function feed(reader, input, chunkSize, limit, take) {
  for (let offset = 0; ; offset += chunkSize) {
    const chunk = input.subarray(offset, offset + chunkSize); // empty at the end: EOF
    reader.receiveData(chunk);
    if (reader.bufferedBytes > limit) throw new Error(`buffered ${reader.bufferedBytes} bytes, limit ${limit}`);
    try {
      for (const event of reader.events()) take(event);
    } catch (error) {
      if (!(error instanceof RemoteProtocolError)) throw error;
      return error.code;
    }
    if (chunk.length === 0) return null;
  }
}

/**
 * Throws unless two summaries of the same input agree: the same error, or else the same
 * summary with the body (`body`, an array of strings whose boundaries follow the chunks)
 * compared as one string. Events queued before an error are discarded, as documented, so
 * when there is an error only the error is compared.
 */
function expectSameOutcome(whole, chunked) {
  const key = (summary) =>
    summary.error !== null ? summary.error : JSON.stringify({ ...summary, body: summary.body.join("") });
  if (key(whole) !== key(chunked)) throw new Error(`chunking changed the outcome: ${key(whole)} vs ${key(chunked)}`);
}

module.exports = { feed, expectSameOutcome };
