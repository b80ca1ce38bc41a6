/**
 * Suite 5, one case per process: `node --expose-gc bench/memory.mjs <case>` makes 100,000
 * instances of the case (fewer for the large ones), keeps them alive, and prints as JSON how
 * much memory each retains.
 * bench/index.mjs runs every case in a fresh process, so that no case inherits the heap
 * another left behind, and RSS (which sees llhttp's C++ parser state, invisible to the JS
 * heap) grows only by what this case allocates.
 */

import { SCGIConnection } from "../dist/index.js";
import { LlhttpRequestParser } from "./llhttp.mjs";
import { NaiveSCGIConnection } from "./naive.mjs";
import { fullestEnvironment, nginxGet, tiniestEnvironment } from "./requests.mjs";

export const INSTANCES = 100_000;

/**
 * The limits a reader has by default: the environment's size (`rxBufferLimit`) and its
 * number of variables (`variableLimit`). bench/index.mjs checks that a reader accepts an
 * environment at both limits and refuses one variable more, so these cannot go stale.
 */
export const DEFAULT_LIMITS = { bytes: 65536, variables: 1200 };

/** The environments whose retained memory per byte the worst-case rows measure. */
export const fullest = fullestEnvironment(DEFAULT_LIMITS.bytes, DEFAULT_LIMITS.variables);
export const tiniest = tiniestEnvironment(DEFAULT_LIMITS.variables);

/** Parses a whole request and returns its RequestHeaders, which an application keeps. */
function parsedHeaders(scgi) {
  const conn = new SCGIConnection();
  conn.receiveData(scgi);
  return conn.nextEvent();
}

/** Cases made fewer times than {@link INSTANCES}, because each instance is large. */
export const CASE_INSTANCES = {
  "sioscgi RequestHeaders of the fullest environment": 400,
  "sioscgi RequestHeaders of the tiniest environment": 4000,
};

/** The first half of the suite 1 request, in each protocol. */
export const halfScgi = nginxGet.scgi.subarray(0, nginxGet.scgi.length >> 1);
const halfHttp = nginxGet.http.subarray(0, nginxGet.http.length >> 1);

export const CASES = {
  "sioscgi idle": () => new SCGIConnection(),
  "sioscgi holding half an environment": () => {
    const conn = new SCGIConnection();
    conn.receiveData(halfScgi);
    return conn;
  },
  "sioscgi RequestHeaders of the fullest environment": () => parsedHeaders(fullest.scgi),
  "sioscgi RequestHeaders of the tiniest environment": () => parsedHeaders(tiniest.scgi),
  "naive idle": () => new NaiveSCGIConnection(),
  "naive holding half": () => {
    const conn = new NaiveSCGIConnection();
    conn.receiveData(halfScgi);
    return conn;
  },
  "llhttp parser idle": () => {
    const parser = new LlhttpRequestParser();
    parser.start();
    return parser;
  },
  "llhttp holding half": () => {
    const parser = new LlhttpRequestParser();
    parser.start();
    parser.receiveData(halfHttp);
    return parser;
  },
};

/**
 * Bytes retained per instance: the JS heap plus ArrayBuffer backing stores (which live
 * outside it), and RSS, each as the growth between two full collections.
 */
function retainedPerInstance(make, count) {
  const instances = new Array(count).fill(null);
  make(); // load and compile what the case needs before the first count
  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage();
  for (let index = 0; index < count; index++) instances[index] = make();
  globalThis.gc();
  globalThis.gc();
  const after = process.memoryUsage();
  if (instances.some((instance) => instance === null)) throw new Error("lost an instance");
  return {
    heap: (after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers) / count,
    rss: (after.rss - before.rss) / count,
  };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const make = CASES[process.argv[2]];
  if (make === undefined) throw new Error(`unknown case ${process.argv[2]}; one of: ${Object.keys(CASES).join(", ")}`);
  if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");
  console.log(JSON.stringify(retainedPerInstance(make, CASE_INSTANCES[process.argv[2]] ?? INSTANCES)));
}
