/**
 * `npm run bench`: sioscgi side by side with the parsers a user would pick instead.
 *
 * Every figure is measured in this run, next to its baselines, and printed with its ratio
 * to them: absolute numbers from a shared machine mean little on their own. The library is
 * the built dist/, the same strict code the tests run. The memory suite runs each case in
 * a child process (bench/memory.mjs).
 *
 * Suites: 1. an nginx GET round trip, with the Python original as an optional baseline;
 * 2. a POST with a 64 KiB body in 16 KiB chunks; 3. environments fed one byte at a time;
 * 4. body throughput with 1 MiB chunks; 5. memory per connection, and per byte of the
 * largest environment the default limits accept. The end-to-end suite through nginx is not
 * here.
 *
 * The Python original (sioscgi 3.0.1) is measured when `python3` and its source are there:
 * `git clone --depth 1 --branch v3.0.1 https://github.com/Hawk777/sioscgi bench/.original`
 * (or set SIOSCGI_ORIGINAL to a checkout elsewhere).
 */

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { ResponseBody, ResponseEnd, ResponseHeaders, SCGIConnection } from "../dist/index.js";
import { LlhttpRequestParser } from "./llhttp.mjs";
import { CASE_INSTANCES, CASES, DEFAULT_LIMITS, fullest, halfScgi, INSTANCES, tiniest } from "./memory.mjs";
import { NaiveSCGIConnection } from "./naive.mjs";
import { chunksOf, nginxGet, nginxPost, oneByteChunks, paddedGet, scgiHeaderBytes } from "./requests.mjs";

const EOF = new Uint8Array(0);
const RESPONSE_HEADERS = [["Content-Type", "text/plain; charset=utf-8"]];
const RESPONSE_BODY = Buffer.from("Hello over SCGI\n");
const KIB = 1024;
const MIB = 1024 * KIB;

/** Bytes retained per connection holding half an environment in 0.1.0, the figure not to exceed. */
const HALF_ENVIRONMENT_BEFORE = 912;

// --- the three contenders ---------------------------------------------------------------

/**
 * What any application reads of a request: the method, the URI and every header, so that
 * no design wins by deferring work the application will ask for. Returns the bytes read.
 */
function readRequest(environment) {
  let read = environment.get("REQUEST_METHOD").length + environment.get("REQUEST_URI").length;
  for (const [name, value] of environment) if (name.startsWith("HTTP_")) read += value.length;
  return read;
}

/**
 * sioscgi: a whole request and response on a fresh connection; returns the bytes read and
 * written.
 */
function scgiRoundTrip(chunks, options) {
  const conn = new SCGIConnection(options);
  for (const chunk of chunks) conn.receiveData(chunk);
  conn.receiveData(EOF);
  let read = 0;
  for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) {
    if (event.type === "RequestHeaders") read += readRequest(event.environment);
  }
  const head = conn.send(new ResponseHeaders("200 OK", RESPONSE_HEADERS));
  const body = conn.send(new ResponseBody(RESPONSE_BODY));
  conn.send(new ResponseEnd());
  return read + head.length + body.length;
}

/** sioscgi: the request only, as llhttp is measured. */
function scgiParse(chunks, options) {
  const conn = new SCGIConnection(options);
  for (const chunk of chunks) conn.receiveData(chunk);
  conn.receiveData(EOF);
  let events = 0;
  for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) events++;
  if (events === 0) throw new Error("sioscgi produced no event");
  return events;
}

/** The naive baseline, the same round trip, reading the same variables of its plain object. */
function naiveRoundTrip(chunks) {
  const conn = new NaiveSCGIConnection();
  for (const chunk of chunks) conn.receiveData(chunk);
  conn.receiveData(EOF);
  let read = 0;
  for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) {
    if (event.type !== "RequestHeaders") continue;
    const { environment } = event;
    read += environment.REQUEST_METHOD.length + environment.REQUEST_URI.length;
    for (const name in environment) if (name.startsWith("HTTP_")) read += environment[name].length;
  }
  const head = conn.sendHeaders("200 OK", RESPONSE_HEADERS);
  const body = conn.sendBody(RESPONSE_BODY);
  return read + head.length + body.length;
}

/** Where the Python original's source is looked for; see the header of this file. */
const ORIGINAL = process.env.SIOSCGI_ORIGINAL ?? fileURLToPath(new URL(".original", import.meta.url));

/**
 * The Python original's round trip on `scgi`, in nanoseconds (bench/original.py), and the
 * ratio of its time to sioscgi's round trip, or why it could not be measured. Measured in
 * another process, so not in the same rounds as the rest: to put both under the same load,
 * sioscgi's round trip is measured again just before each of three runs of the original,
 * and the median of the three pairs is taken.
 */
function originalRoundTrip(scgi) {
  const source = `${ORIGINAL}/src`;
  if (!existsSync(`${source}/sioscgi/__init__.py`)) {
    return `not measured: no source in ${ORIGINAL} (git clone --depth 1 --branch v3.0.1 https://github.com/Hawk777/sioscgi ${ORIGINAL})`;
  }
  const script = fileURLToPath(new URL("original.py", import.meta.url));
  const pairs = [];
  for (let run = 0; run < 3; run++) {
    const { roundTrip } = measure({ roundTrip: () => scgiRoundTrip([scgi]) }, { rounds: 5 });
    let original;
    try {
      original = JSON.parse(execFileSync("python3", [script, source, "1000"], { input: scgi, encoding: "utf8" })).ns;
    } catch (error) {
      return `not measured: python3 failed (${error.message.split("\n")[0]})`;
    }
    pairs.push({ original, ratio: original / roundTrip });
  }
  pairs.sort((a, b) => a.ratio - b.ratio);
  return pairs[1];
}

/** llhttp: parse only, with its parser reused across connections. */
function llhttpParse(parser, chunks) {
  parser.start();
  for (const chunk of chunks) parser.receiveData(chunk);
  if (!parser.complete) throw new Error("llhttp did not complete the request");
  return parser.headerStrings;
}

// --- measuring and printing ----------------------------------------------------------------

/** CPU time this process has used, in nanoseconds. */
function cpuNanoseconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/** Where each call's result is stored, so that no contender's work can be optimized away. */
const kept = { result: undefined };

/**
 * Nanoseconds per call of each contender, measured side by side: after a warm-up, rounds
 * of batches that take turns, each batch timed in CPU time, and the median batch of each
 * contender taken. CPU time, because this machine is shared: wall time would charge a
 * contender for the time other processes had the core. Taking turns puts every contender
 * under the same conditions; the median ignores the batches a burst of load still spoiled.
 * A batch repeats fast calls thousands of times, so it carries its share of garbage
 * collection.
 */
function measure(contenders, { rounds = 11, batchNanoseconds = 20e6 } = {}) {
  const batches = {};
  for (const [name, fn] of Object.entries(contenders)) {
    // Warm up, and fail early if a contender rejects its input.
    let calls = 0;
    const start = cpuNanoseconds();
    do {
      kept.result = fn();
      calls++;
    } while (cpuNanoseconds() - start < 100e6 && calls < 1e7);
    batches[name] = Math.max(1, Math.round((calls * batchNanoseconds) / (cpuNanoseconds() - start)));
  }
  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const calls = batches[name];
      const start = cpuNanoseconds();
      for (let call = 0; call < calls; call++) kept.result = fn();
      samples[name].push((cpuNanoseconds() - start) / calls);
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, figures]) => [name, figures.sort((a, b) => a - b)[figures.length >> 1]]),
  );
}

const number = (value, digits = 0) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (value) => `${value >= 10 ? number(value, 1) : number(value, 2)}x`;
const rate = (ns) => `${number(1e9 / ns)}/s`;

function heading(text) {
  console.log(`\n${text}`);
}

/** One row: a label, its figures, then a note (usually its ratio to a baseline). */
function row(label, figures, note = "") {
  console.log(`  ${label.padEnd(38)} ${figures.map((figure) => figure.padStart(14)).join("")}  ${note}`);
}

const targets = [];
function target(description, met, figures) {
  targets.push(`  ${met ? "met    " : "NOT MET"}  ${description}: ${figures}`);
}

// --- suite 5: memory ---------------------------------------------------------------------------

/** Runs one case of bench/memory.mjs in a fresh process and returns its figures. */
function memoryCase(name) {
  const script = fileURLToPath(new URL("memory.mjs", import.meta.url));
  return JSON.parse(execFileSync(process.execPath, ["--expose-gc", script, name], { encoding: "utf8" }));
}

/**
 * Whether a reader with the default options accepts an environment at both default limits
 * and refuses it with one variable more, as {@link DEFAULT_LIMITS} says; otherwise why not.
 */
function checkDefaultLimits() {
  const accepted = new SCGIConnection();
  accepted.receiveData(fullest.scgi);
  try {
    accepted.nextEvent();
  } catch (error) {
    return `the fullest environment is refused (${error.code})`;
  }
  const oneMore = new SCGIConnection();
  oneMore.receiveData(
    scgiHeaderBytes([["CONTENT_LENGTH", "0"], ["SCGI", "1"], ...tinyVariables(DEFAULT_LIMITS.variables - 1)]),
  );
  try {
    oneMore.nextEvent();
  } catch (error) {
    if (error.code === "ERR_SCGI_TOO_MANY_VARIABLES") return null;
  }
  return `${number(DEFAULT_LIMITS.variables + 1)} variables are not refused as too many`;
}

/** `count` distinct variables with two-character names and empty values. */
function tinyVariables(count) {
  return Array.from({ length: count }, (_, index) => [
    String.fromCharCode(0x61 + (index % 26), 0x61 + Math.floor(index / 26)),
    "",
  ]);
}

function memorySuite() {
  const measured = Object.fromEntries(Object.keys(CASES).map((name) => [name, memoryCase(name)]));
  heading(
    `5. Memory retained per connection, over ${number(INSTANCES)} instances (fewer for an environment's ` +
      `RequestHeaders), each case in a fresh process (bytes; half = the first ${halfScgi.length} bytes of the ` +
      "suite 1 request)",
  );
  row("", ["heap+buffers", "RSS"], "sioscgi's size / this (heap+buffers, RSS)");
  const scgiIdle = measured["sioscgi idle"];
  const scgiHalf = measured["sioscgi holding half an environment"];
  for (const [name, figures] of Object.entries(measured)) {
    if (name in CASE_INSTANCES) continue;
    const ours = name.includes("idle") ? scgiIdle : scgiHalf;
    const versus = name.startsWith("sioscgi")
      ? ""
      : `${ratio(ours.heap / figures.heap)}, ${ratio(ours.rss / figures.rss)}`;
    row(name.startsWith("sioscgi") ? name : `${name} (baseline)`, [number(figures.heap), number(figures.rss)], versus);
  }
  row("", ["heap+buffers", "RSS"], "per byte of environment (heap+buffers)");
  const perByte = {};
  for (const [name, environment] of [
    ["sioscgi RequestHeaders of the fullest environment", fullest],
    ["sioscgi RequestHeaders of the tiniest environment", tiniest],
  ]) {
    const figures = measured[name];
    perByte[name] = figures.heap / environment.bytes;
    row(
      `${name.replace("sioscgi RequestHeaders of the ", "")} (${number(environment.bytes)} B, ${number(environment.variables)} variables)`,
      [number(figures.heap), number(figures.rss)],
      ratio(perByte[name]),
    );
  }
  target("idle connection retains at most 512 bytes", scgiIdle.heap <= 512, `${number(scgiIdle.heap)} bytes`);
  target(
    `holding half an environment retains no more than 0.1.0 did (${number(HALF_ENVIRONMENT_BEFORE)} bytes)`,
    scgiHalf.heap <= HALF_ENVIRONMENT_BEFORE,
    `${number(scgiHalf.heap)} bytes`,
  );
  const limits = checkDefaultLimits();
  const fullestPerByte = perByte["sioscgi RequestHeaders of the fullest environment"];
  target(
    `the largest environment the default limits accept (${number(DEFAULT_LIMITS.bytes)} bytes in ` +
      `${number(DEFAULT_LIMITS.variables)} variables) retains at most 8x its size`,
    limits === null && fullestPerByte <= 8,
    limits ?? `${ratio(fullestPerByte)}`,
  );
}

// --- suites 1 to 4 -------------------------------------------------------------------------------

function roundTripSuite() {
  const scgi = [nginxGet.scgi];
  const http = [nginxGet.http];
  const parser = new LlhttpRequestParser();
  const { roundTrip, parse, llhttp, naive } = measure({
    roundTrip: () => scgiRoundTrip(scgi),
    parse: () => scgiParse(scgi),
    llhttp: () => llhttpParse(parser, http),
    naive: () => naiveRoundTrip(scgi),
  });
  const original = originalRoundTrip(nginxGet.scgi);
  heading(
    `1. nginx GET round trip: ${nginxGet.variables} variables, ${nginxGet.scgi.length} bytes of SCGI ` +
      `(HTTP/1.1 equivalent: ${nginxGet.http.length} bytes); a round trip reads the method, the URI and ` +
      "every HTTP_* value",
  );
  row("", ["ops/s", "ns/op"], "sioscgi round trip's rate / this");
  row("sioscgi round trip", [rate(roundTrip), number(roundTrip)]);
  row("sioscgi parse only", [rate(parse), number(parse)], `(parse only: ${ratio(llhttp / parse)} llhttp's rate)`);
  row("llhttp parse only (baseline)", [rate(llhttp), number(llhttp)], ratio(llhttp / roundTrip));
  row("naive round trip (baseline)", [rate(naive), number(naive)], ratio(naive / roundTrip));
  if (typeof original === "string") {
    row("Python sioscgi 3.0.1 round trip", ["", ""], original);
  } else {
    const figures = [rate(original.original), number(original.original)];
    row(
      "Python sioscgi 3.0.1 round trip",
      figures,
      `${ratio(original.ratio)} (median of 3 runs, each paired with a new sioscgi figure)`,
    );
  }
  target("round trip at least 0.8x llhttp's parse-only rate", llhttp / roundTrip >= 0.8, ratio(llhttp / roundTrip));
  target("parse alone at least 1.0x llhttp's parse-only rate", llhttp / parse >= 1, ratio(llhttp / parse));
  if (typeof original === "string") {
    targets.push(`  skipped  round trip at least 15x the Python original's rate: ${original}`);
  } else {
    target("round trip at least 15x the Python original's rate", original.ratio >= 15, ratio(original.ratio));
  }
}

function postSuite() {
  const bodyLength = 64 * KIB;
  const body = Buffer.alloc(bodyLength, 0x61);
  const request = nginxPost(bodyLength);
  const scgi = chunksOf(Buffer.concat([request.scgi, body]), 16 * KIB);
  const http = chunksOf(Buffer.concat([request.http, body]), 16 * KIB);
  const parser = new LlhttpRequestParser();
  const { roundTrip, llhttp, naive } = measure({
    roundTrip: () => scgiRoundTrip(scgi),
    llhttp: () => llhttpParse(parser, http),
    naive: () => naiveRoundTrip(scgi),
  });
  heading(`2. POST, 64 KiB body, the request in 16 KiB chunks (${scgi.length} SCGI chunks, ${http.length} HTTP)`);
  row("", ["ops/s", "ns/op"], "sioscgi round trip's rate / this");
  row("sioscgi round trip", [rate(roundTrip), number(roundTrip)]);
  row("llhttp parse only (baseline)", [rate(llhttp), number(llhttp)], ratio(llhttp / roundTrip));
  row("naive round trip (baseline)", [rate(naive), number(naive)], ratio(naive / roundTrip));
}

function oneByteSuite() {
  heading(
    "3. Environment fed one byte at a time (chunks shared by byte value): nanoseconds per byte (lower is better)",
  );
  row("", ["1 KiB", "16 KiB", "64 KiB"], "64 KiB / 1 KiB");
  const options = { rxBufferLimit: MIB };
  const results = { sioscgi: [], llhttp: [], naive: [] };
  for (const size of [KIB, 16 * KIB, 64 * KIB]) {
    const request = paddedGet(size);
    const scgi = oneByteChunks(request.scgi);
    const http = oneByteChunks(request.http);
    const parser = new LlhttpRequestParser(MIB);
    // The naive contender takes a quarter of a second per call at 64 KiB; fewer rounds
    // keep the run short.
    const figures = measure(
      {
        sioscgi: () => scgiParse(scgi, options),
        llhttp: () => llhttpParse(parser, http),
        naive: () => naiveRoundTrip(scgi),
      },
      { rounds: 5 },
    );
    results.sioscgi.push(figures.sioscgi / scgi.length);
    results.llhttp.push(figures.llhttp / http.length);
    results.naive.push(figures.naive / scgi.length);
  }
  const growth = (figures) => ratio(figures[2] / figures[0]);
  const perByte = (figures) => figures.map((figure) => number(figure, 1));
  row("sioscgi parse", perByte(results.sioscgi), growth(results.sioscgi));
  row("llhttp parse (baseline)", perByte(results.llhttp), growth(results.llhttp));
  row("naive round trip (baseline)", perByte(results.naive), growth(results.naive));
  const versus = (baseline) => results.sioscgi.map((figure, index) => ratio(baseline[index] / figure));
  row("sioscgi's speed vs llhttp", versus(results.llhttp));
  row("sioscgi's speed vs naive", versus(results.naive));
  target(
    "one byte at a time, 64 KiB environment within 1.5x of the per-byte cost at 1 KiB",
    results.sioscgi[2] / results.sioscgi[0] <= 1.5,
    `${number(results.sioscgi[2], 1)} vs ${number(results.sioscgi[0], 1)} ns/byte = ${growth(results.sioscgi)}`,
  );
}

function throughputSuite() {
  const chunk = Buffer.alloc(MIB, 0x61);
  const endless = Number.MAX_SAFE_INTEGER; // a body that never ends, so every call is mid-body
  const head = scgiHeaderBytes([
    ["CONTENT_LENGTH", String(endless)],
    ["SCGI", "1"],
  ]);
  const conn = new SCGIConnection();
  conn.receiveData(head);
  conn.nextEvent();

  const parser = new LlhttpRequestParser();
  parser.start();
  parser.receiveData(Buffer.from(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${endless}\r\n\r\n`, "latin1"));

  const naive = new NaiveSCGIConnection();
  naive.receiveData(head);
  naive.nextEvent();

  const {
    scgi,
    llhttp,
    naive: naiveNs,
  } = measure({
    scgi: () => {
      conn.receiveData(chunk);
      return conn.nextEvent();
    },
    llhttp: () => parser.receiveData(chunk),
    naive: () => {
      naive.receiveData(chunk);
      return naive.nextEvent();
    },
  });

  const gbps = (ns) => `${number(MIB / ns, 1)} GB/s`;
  heading("4. Body throughput, 1 MiB chunks (effective: body events are views, so this is per-chunk cost)");
  row("", ["GB/s", "ns/chunk"], "sioscgi's rate / this");
  row("sioscgi", [gbps(scgi), number(scgi)]);
  row("llhttp (baseline; Node copies each chunk)", [gbps(llhttp), number(llhttp)], ratio(llhttp / scgi));
  row("naive, Buffer.concat (baseline)", [gbps(naiveNs), number(naiveNs)], ratio(naiveNs / scgi));
  target("body throughput over 10 GB/s with 1 MiB chunks (as in 0.1.0)", MIB / scgi > 10, gbps(scgi));
}

// --- main ----------------------------------------------------------------------------------

const cpus = os.cpus();
console.log(
  `sioscgi benchmarks: Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} CPUs ` +
    `(${cpus[0]?.model.trim() ?? "unknown"}); median CPU time per operation over interleaved rounds; ratios are to ` +
    "baselines measured in this same run",
);
roundTripSuite();
postSuite();
oneByteSuite();
throughputSuite();
memorySuite();
heading("Targets");
for (const line of targets) console.log(line);
console.log("  elsewhere  end to end through nginx and wrk: npm run bench:e2e");
