/**
 * The naive baseline: the SCGI server most people would write in an afternoon, kept here
 * only to be measured against. Every chunk is appended with Buffer.concat, the netstring is
 * found with indexOf, the environment decoded to one string and split on NUL. It checks
 * only what it needs to work (the length, the comma, CONTENT_LENGTH); it is not strict and
 * not meant for use.
 */

const COLON = 0x3a;
const COMMA = 0x2c;

export class NaiveSCGIConnection {
  pending = Buffer.alloc(0);
  environment = null;
  bodyRemaining = 0;
  events = [];
  eof = false;

  receiveData(chunk) {
    if (chunk.length === 0) {
      this.eof = true;
      return;
    }
    this.pending = Buffer.concat([this.pending, chunk]);
    if (this.environment === null) this.parseHeaders();
    if (this.environment !== null && this.pending.length > 0) this.parseBody();
  }

  parseHeaders() {
    const colon = this.pending.indexOf(COLON);
    if (colon === -1) return;
    const length = Number.parseInt(this.pending.toString("latin1", 0, colon), 10);
    const end = colon + 1 + length;
    if (this.pending.length <= end) return;
    if (this.pending[end] !== COMMA) throw new Error("bad netstring");
    const strings = this.pending.toString("latin1", colon + 1, end).split("\0");
    const environment = {};
    for (let index = 0; index + 1 < strings.length; index += 2) environment[strings[index]] = strings[index + 1];
    this.environment = environment;
    this.bodyRemaining = Number.parseInt(environment.CONTENT_LENGTH, 10);
    this.events.push({ type: "RequestHeaders", environment });
    this.pending = this.pending.subarray(end + 1);
    if (this.bodyRemaining === 0) this.events.push({ type: "RequestEnd" });
  }

  parseBody() {
    const data = this.pending.subarray(0, this.bodyRemaining);
    this.pending = this.pending.subarray(data.length);
    this.bodyRemaining -= data.length;
    this.events.push({ type: "RequestBody", data });
    if (this.bodyRemaining === 0) this.events.push({ type: "RequestEnd" });
  }

  nextEvent() {
    return this.events.shift() ?? null;
  }

  sendHeaders(status, headers) {
    let head = `Status: ${status}\r\n`;
    for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
    return Buffer.from(`${head}\r\n`, "latin1");
  }

  sendBody(data) {
    return data;
  }
}
