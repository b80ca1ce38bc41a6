/**
 * `npm run bench`: sioscgi side by side with the parsers a user would pick instead.
 *
 * Every figure is measured in this run, next to its baselines, and printed with its ratio
 * to them: absolute numbers from a shared machine mean little on their own. The library is
 * the built dist/, the same strict code the tests run. The memory suite runs each case in
 * a child process (bench/memory.mjs).
 *
 * Suites: 1. an nginx GET round trip; 2. a POST with a 64 KiB body in 16 KiB
 * chunks; 3. environments fed one byte at a time; 4. body throughput with 1 MiB chunks;
 * 5. memory per connection. The end-to-end suite through nginx is not here.
 */

import { execFileSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { do_not_optimize, measure } from "mitata";
import { ResponseBody, ResponseEnd, ResponseHeaders, SCGIConnection } from "../dist/index.js";
import { LlhttpRequestParser } from "./llhttp.mjs";
import { CASES, halfScgi, INSTANCES } from "./memory.mjs";
import { NaiveSCGIConnection } from "./naive.mjs";
import { chunksOf, nginxGet, nginxPost, paddedGet, scgiHeaderBytes } from "./requests.mjs";

const EOF = new Uint8Array(0);
const RESPONSE_HEADERS = [["Content-Type", "text/plain; charset=utf-8"]];
const RESPONSE_BODY = Buffer.from("Hello over SCGI\n");
const KIB = 1024;
const MIB = 1024 * KIB;

// --- the three contenders ---------------------------------------------------------------

/** sioscgi: a whole request and response on a fresh connection; returns the bytes written. */
function scgiRoundTrip(chunks, options) {
  const conn = new SCGIConnection(options);
  for (const chunk of chunks) conn.receiveData(chunk);
  conn.receiveData(EOF);
  for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) do_not_optimize(event);
  const head = conn.send(new ResponseHeaders("200 OK", RESPONSE_HEADERS));
  const body = conn.send(new ResponseBody(RESPONSE_BODY));
  conn.send(new ResponseEnd());
  return head.length + body.length;
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

/** The naive baseline, the same round trip. */
function naiveRoundTrip(chunks) {
  const conn = new NaiveSCGIConnection();
  for (const chunk of chunks) conn.receiveData(chunk);
  conn.receiveData(EOF);
  for (let event = conn.nextEvent(); event !== null; event = conn.nextEvent()) do_not_optimize(event);
  const head = conn.sendHeaders("200 OK", RESPONSE_HEADERS);
  const body = conn.sendBody(RESPONSE_BODY);
  return head.length + body.length;
}

/** llhttp: parse only, with its parser reused across connections. */
function llhttpParse(parser, chunks) {
  parser.start();
  for (const chunk of chunks) parser.receiveData(chunk);
  if (!parser.complete) throw new Error("llhttp did not complete the request");
  return parser.headerStrings;
}

// --- measuring and printing ----------------------------------------------------------------

/** Nanoseconds per call of `fn`, measured by mitata. */
async function nanoseconds(fn, options = {}) {
  // Warm up (and fail early if a contender rejects its input) before mitata times its
  // first call: it decides from that call whether to batch calls, and an unoptimized first
  // call would make it time fast functions one by one, timer overhead included.
  const warmUntil = performance.now() + 100;
  do do_not_optimize(fn());
  while (performance.now() < warmUntil);
  const stats = await measure(fn, options);
  // The median: on a shared machine, other processes make some samples slow, and the
  // median ignores them. Fast operations are timed in batches of thousands of calls, so a
  // sample still carries its share of garbage collection.
  return stats.p50;
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

function memorySuite() {
  const measured = Object.fromEntries(Object.keys(CASES).map((name) => [name, memoryCase(name)]));
  heading(
    `5. Memory retained per connection, over ${number(INSTANCES)} instances, each case in a fresh process ` +
      `(bytes; half = the first ${halfScgi.length} bytes of the suite 1 request)`,
  );
  row("", ["heap+buffers", "RSS"], "sioscgi's size / this (heap+buffers, RSS)");
  const scgiIdle = measured["sioscgi idle"];
  const scgiHalf = measured["sioscgi holding half an environment"];
  for (const [name, figures] of Object.entries(measured)) {
    const ours = name.includes("idle") ? scgiIdle : scgiHalf;
    const versus = name.startsWith("sioscgi")
      ? ""
      : `${ratio(ours.heap / figures.heap)}, ${ratio(ours.rss / figures.rss)}`;
    row(name.startsWith("sioscgi") ? name : `${name} (baseline)`, [number(figures.heap), number(figures.rss)], versus);
  }
  target("idle connection retains at most 512 bytes", scgiIdle.heap <= 512, `${number(scgiIdle.heap)} bytes`);
}

// --- suites 1 to 4 -------------------------------------------------------------------------------

async function roundTripSuite() {
  const scgi = [nginxGet.scgi];
  const http = [nginxGet.http];
  const parser = new LlhttpRequestParser();
  const roundTrip = await nanoseconds(() => scgiRoundTrip(scgi));
  const parse = await nanoseconds(() => scgiParse(scgi));
  const llhttp = await nanoseconds(() => llhttpParse(parser, http));
  const naive = await nanoseconds(() => naiveRoundTrip(scgi));
  heading(
    `1. nginx GET round trip: ${nginxGet.variables} variables, ${nginxGet.scgi.length} bytes of SCGI ` +
      `(HTTP/1.1 equivalent: ${nginxGet.http.length} bytes)`,
  );
  row("", ["ops/s", "ns/op"], "sioscgi round trip's rate / this");
  row("sioscgi round trip", [rate(roundTrip), number(roundTrip)]);
  row("sioscgi parse only", [rate(parse), number(parse)], `(parse only: ${ratio(llhttp / parse)} llhttp's rate)`);
  row("llhttp parse only (baseline)", [rate(llhttp), number(llhttp)], ratio(llhttp / roundTrip));
  row("naive round trip (baseline)", [rate(naive), number(naive)], ratio(naive / roundTrip));
  target("round trip at least 2x llhttp's parse-only rate", llhttp / roundTrip >= 2, `${ratio(llhttp / roundTrip)}`);
  target("over 1,000,000 round trips per second on one core", 1e9 / roundTrip > 1e6, `${rate(roundTrip)}`);
}

async function postSuite() {
  const bodyLength = 64 * KIB;
  const body = Buffer.alloc(bodyLength, 0x61);
  const request = nginxPost(bodyLength);
  const scgi = chunksOf(Buffer.concat([request.scgi, body]), 16 * KIB);
  const http = chunksOf(Buffer.concat([request.http, body]), 16 * KIB);
  const parser = new LlhttpRequestParser();
  const roundTrip = await nanoseconds(() => scgiRoundTrip(scgi));
  const llhttp = await nanoseconds(() => llhttpParse(parser, http));
  const naive = await nanoseconds(() => naiveRoundTrip(scgi));
  heading(`2. POST, 64 KiB body, the request in 16 KiB chunks (${scgi.length} SCGI chunks, ${http.length} HTTP)`);
  row("", ["ops/s", "ns/op"], "sioscgi round trip's rate / this");
  row("sioscgi round trip", [rate(roundTrip), number(roundTrip)]);
  row("llhttp parse only (baseline)", [rate(llhttp), number(llhttp)], ratio(llhttp / roundTrip));
  row("naive round trip (baseline)", [rate(naive), number(naive)], ratio(naive / roundTrip));
}

async function oneByteSuite() {
  heading("3. Environment fed one byte at a time: nanoseconds per byte (lower is better)");
  row("", ["1 KiB", "16 KiB", "64 KiB"], "64 KiB / 1 KiB");
  const options = { rxBufferLimit: MIB };
  const results = { sioscgi: [], llhttp: [], naive: [] };
  for (const size of [KIB, 16 * KIB, 64 * KIB]) {
    const request = paddedGet(size);
    const scgi = chunksOf(request.scgi, 1);
    const http = chunksOf(request.http, 1);
    const parser = new LlhttpRequestParser(MIB);
    // The slow contenders take long per call at 64 KiB; fewer samples keep the run short.
    const slow = { min_samples: 4, min_cpu_time: 200e6 };
    results.sioscgi.push((await nanoseconds(() => scgiParse(scgi, options))) / scgi.length);
    results.llhttp.push((await nanoseconds(() => llhttpParse(parser, http), slow)) / http.length);
    results.naive.push((await nanoseconds(() => naiveRoundTrip(scgi), slow)) / scgi.length);
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

async function throughputSuite() {
  const chunk = Buffer.alloc(MIB, 0x61);
  const endless = Number.MAX_SAFE_INTEGER; // a body that never ends, so every call is mid-body
  const head = scgiHeaderBytes([
    ["CONTENT_LENGTH", String(endless)],
    ["SCGI", "1"],
  ]);
  const conn = new SCGIConnection();
  conn.receiveData(head);
  conn.nextEvent();
  const scgi = await nanoseconds(() => {
    conn.receiveData(chunk);
    return conn.nextEvent();
  });

  const parser = new LlhttpRequestParser();
  parser.start();
  parser.receiveData(Buffer.from(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${endless}\r\n\r\n`, "latin1"));
  const llhttp = await nanoseconds(() => parser.receiveData(chunk));

  const naive = new NaiveSCGIConnection();
  naive.receiveData(head);
  naive.nextEvent();
  const naiveNs = await nanoseconds(() => {
    naive.receiveData(chunk);
    return naive.nextEvent();
  });

  const gbps = (ns) => `${number(MIB / ns, 1)} GB/s`;
  heading("4. Body throughput, 1 MiB chunks (effective: body events are views, so this is per-chunk cost)");
  row("", ["GB/s", "ns/chunk"], "sioscgi's rate / this");
  row("sioscgi", [gbps(scgi), number(scgi)]);
  row("llhttp (baseline; Node copies each chunk)", [gbps(llhttp), number(llhttp)], ratio(llhttp / scgi));
  row("naive, Buffer.concat (baseline)", [gbps(naiveNs), number(naiveNs)], ratio(naiveNs / scgi));
  target("body throughput over 10 GB/s with 1 MiB chunks", MIB / scgi > 10, gbps(scgi));
}

// --- main ----------------------------------------------------------------------------------

const cpus = os.cpus();
console.log(
  `sioscgi benchmarks: Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} CPUs ` +
    `(${cpus[0]?.model.trim() ?? "unknown"}); median time per operation, by mitata; ratios are to ` +
    "baselines measured in this same run",
);
await roundTripSuite();
await postSuite();
await oneByteSuite();
await throughputSuite();
memorySuite();
heading("Targets");
for (const line of targets) console.log(line);
console.log("  elsewhere  end to end through nginx and wrk: npm run bench:e2e");
