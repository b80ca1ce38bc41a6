/**
 * Suite 5, one case per process: `node --expose-gc bench/memory.mjs <case>` makes 100,000
 * instances of the case, keeps them alive, and prints as JSON how much memory each retains.
 * bench/index.mjs runs every case in a fresh process, so that no case inherits the heap
 * another left behind, and RSS (which sees llhttp's C++ parser state, invisible to the JS
 * heap) grows only by what this case allocates.
 */

import { SCGIConnection } from "../dist/index.js";
import { LlhttpRequestParser } from "./llhttp.mjs";
import { NaiveSCGIConnection } from "./naive.mjs";
import { nginxGet } from "./requests.mjs";

export const INSTANCES = 100_000;

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
function retainedPerInstance(make) {
  const instances = new Array(INSTANCES).fill(null);
  make(); // load and compile what the case needs before the first count
  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage();
  for (let index = 0; index < INSTANCES; index++) instances[index] = make();
  globalThis.gc();
  globalThis.gc();
  const after = process.memoryUsage();
  if (instances.some((instance) => instance === null)) throw new Error("lost an instance");
  return {
    heap: (after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers) / INSTANCES,
    rss: (after.rss - before.rss) / INSTANCES,
  };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const make = CASES[process.argv[2]];
  if (make === undefined) throw new Error(`unknown case ${process.argv[2]}; one of: ${Object.keys(CASES).join(", ")}`);
  if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");
  console.log(JSON.stringify(retainedPerInstance(make)));
}
