/**
 * `npm run bench:e2e`: requests per second and p99 latency end to end, wrk -> nginx -> a
 * Node application, over SCGI (sioscgi's createServer) and over HTTP (node:http behind
 * nginx's proxy_pass), on this machine, in the same run.
 *
 * Eight configurations, each its own nginx (1 worker, the same settings but for its
 * `location`) in front of an application process (bench/e2e-app.mjs, which says why the
 * handlers are fair pairs):
 *
 * - scgi: `scgi_pass` with Debian's scgi_params to createServer. SCGI has no keep-alive:
 *   nginx opens a connection to the application for every request, the protocol's cost.
 * - scgi core: the same, to the core alone on node:net (no `Request`, no `Response`, one
 *   write): not a contender, but what tells the protocol's cost from createServer's.
 * - http keep-alive: `proxy_pass` with `proxy_http_version 1.1` and an upstream
 *   `keepalive` pool to node:http, as a proxy tuned for speed is set up. This is the
 *   baseline the target is judged against: it is what a user choosing between the two
 *   protocols would otherwise run, and the stricter of the two.
 * - http, a connection per request: nginx's default `proxy_pass` (HTTP/1.0, no upstream
 *   keep-alive) to the same node:http application: the same connection pattern as SCGI,
 *   so the difference from scgi is the per-request cost of the two servers alone.
 * - scgi unix and http unix: the same two over a Unix socket (`scgi_pass unix:...`,
 *   `proxy_pass http://unix:...`), as SCGI is usually deployed.
 * - express scgi and express http: one Express 5 route, on sioscgi/http behind
 *   `scgi_pass`, and on node:http behind the default `proxy_pass`.
 *
 * Targets: createServer at least 0.9x the core alone and 1.0x the default proxy_pass to
 * node:http (over TCP and over a Unix socket); Express on sioscgi/http at least 0.9x the
 * same app behind the default proxy_pass. Keep-alive is shown for reference.
 *
 * Pinning (taskset, from util-linux): nginx (master and worker) and the application on
 * CPU 0, wrk (one thread) on CPU 1, the same for every configuration. The proxy and the
 * application share a core, as they compete for one on a small host; wrk has its own so
 * that the client is never what limits the rate.
 *
 * Each measurement is wrk for the same duration with the same connections, after a
 * warm-up of each configuration; rounds are interleaved (A B C D A B C D ...) and the table
 * shows medians, since this machine is shared and noisy. Every response is checked before
 * the runs, and any non-2xx response or socket error during a run makes the run fail.
 *
 * Environment: E2E_DURATION (seconds per run, default 10), E2E_WARMUP (seconds, default
 * 3), E2E_CONNECTIONS (default 50), E2E_ROUNDS (default 3), E2E_PROFILE (a directory: the
 * applications run with --cpu-prof and write their profiles there).
 *
 * Needs nginx and wrk (Debian: nginx-light, wrk); installs them with apt-get when run as
 * root, otherwise prints the command. Traffic stays on 127.0.0.1. Everything it starts is
 * stopped on exit, error, Ctrl-C or the overall time limit.
 */

import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nginxConfig } from "../scripts/nginx-config.mjs";
import { BODY, CONTENT_TYPE } from "./e2e-app.mjs";

const HOST = "127.0.0.1";
const DURATION = positiveInteger("E2E_DURATION", 10);
const WARMUP = positiveInteger("E2E_WARMUP", 3);
const CONNECTIONS = positiveInteger("E2E_CONNECTIONS", 50);
const ROUNDS = positiveInteger("E2E_ROUNDS", 3);
const PROFILE = process.env.E2E_PROFILE ?? "";

function positiveInteger(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

// --- everything this script starts, and stopping it --------------------------------------

/** Child processes still to stop. */
const children = new Set();
let directory = null;
let stopping = false;

/** Stops `child` with SIGTERM, or SIGKILL if it is still there 2 s later. */
function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill("SIGKILL"), 2000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Stops every child, wrk and nginx before the applications (so that nginx never sees an
 * application go away under load), and removes the temporary directory.
 */
async function stopAll() {
  const all = [...children];
  await Promise.all(all.filter((child) => !child.application).map(stopChild));
  await Promise.all(all.filter((child) => child.application).map(stopChild));
  children.clear();
  if (directory !== null) rmSync(directory, { recursive: true, force: true });
  directory = null;
}

async function exit(code) {
  if (stopping) return;
  stopping = true;
  await stopAll();
  process.exit(code);
}

async function fail(message) {
  if (stopping) return; // whatever fails while everything stops is no news
  console.error(`\nbench:e2e: ${message}`);
  await exit(1);
}

// Last resort if the process exits some other way: no child outlives it. SIGTERM rather
// than SIGKILL, since a killed nginx master would leave its worker behind.
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  if (directory !== null) rmSync(directory, { recursive: true, force: true });
});
process.on("SIGINT", () => exit(130));
process.on("SIGTERM", () => exit(143));
process.on("uncaughtException", (error) => fail(error.stack ?? String(error)));
process.on("unhandledRejection", (error) => fail(error?.stack ?? String(error)));

/** Starts a child pinned to `cpu`, and remembers it so that it is stopped on exit. */
function start(cpu, command, args, options = {}) {
  if (stopping) throw new Error("stopping");
  const child = spawn(tools.taskset, ["-c", cpu, command, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    ...options,
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

// --- tools -----------------------------------------------------------------------------

/** Where `name` is, if installed (Debian puts nginx in /usr/sbin). */
function which(name) {
  const found = spawnSync("/bin/sh", ["-c", `command -v ${name}`], {
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
  });
  return found.status === 0 ? found.stdout.toString().trim() : null;
}

/** Installs what is missing with apt-get when root; otherwise says how, and exits. */
function requireTools() {
  const packages = { nginx: "nginx-light", wrk: "wrk", taskset: "util-linux" };
  const missing = Object.keys(packages).filter((tool) => which(tool) === null);
  if (missing.length > 0) {
    const names = missing.map((tool) => packages[tool]);
    const command = `apt-get update && apt-get install -y --no-install-recommends ${names.join(" ")}`;
    if (process.getuid?.() !== 0) {
      console.error(`bench:e2e needs ${missing.join(", ")}. Install with:\n  sudo sh -c '${command}'`);
      process.exit(1);
    }
    console.log(`Installing ${names.join(", ")}: ${command}`);
    const installed = spawnSync("/bin/sh", ["-c", command], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      timeout: 600_000,
    });
    const still = missing.filter((tool) => which(tool) === null);
    if (installed.status !== 0 || still.length > 0) {
      console.error(`bench:e2e: could not install ${still.join(", ") || names.join(", ")}`);
      process.exit(1);
    }
  }
  return { nginx: which("nginx"), wrk: which("wrk"), taskset: which("taskset") };
}

/**
 * The CPUs for the servers and for wrk: the first two this process may run on (a
 * container may not have CPUs 0 and 1), or the same one twice on a single CPU.
 */
function chooseCPUs() {
  const output = spawnSync(tools.taskset, ["-cp", String(process.pid)], { encoding: "utf8" }).stdout ?? "";
  const list = /list:\s*(\S+)/.exec(output)?.[1] ?? "0";
  const allowed = list.split(",").flatMap((range) => {
    const [first, last = first] = range.split("-").map(Number);
    return Array.from({ length: last - first + 1 }, (_, index) => String(first + index));
  });
  return { server: allowed[0], client: allowed[1] ?? allowed[0] };
}

// --- the servers -------------------------------------------------------------------------

/** A free loopback port (the kernel's pick; free again once this returns). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts bench/e2e-app.mjs with `kind` on CPU 0, on a loopback port or, with `unix`, on a
 * Unix socket in the temporary directory; resolves to the port or the socket's path.
 */
function startApplication(kind, unix) {
  const script = fileURLToPath(new URL("e2e-app.mjs", import.meta.url));
  const name = `${kind}${unix ? "-unix" : ""}`;
  const flags = PROFILE === "" ? [] : ["--cpu-prof", `--cpu-prof-dir=${PROFILE}`, `--cpu-prof-name=${name}.cpuprofile`];
  const where = unix ? [join(directory, `${name}.sock`)] : [];
  const child = start(SERVER_CPU, process.execPath, [...flags, script, kind, ...where]);
  child.application = true;
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const match = /listening (\S+)/.exec(output);
      if (match) resolve(unix ? match[1] : Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`the ${kind} application exited (${code}) before listening`)));
  });
}

/** nginx's location for SCGI to `where` (a port, or a Unix socket's path). */
const scgiPass = (where) =>
  `include /etc/nginx/scgi_params;\n            scgi_pass ${typeof where === "number" ? `${HOST}:${where}` : `unix:${where}`};`;
/** nginx's location for its default proxy_pass (HTTP/1.0, a connection per request) to `where`. */
const proxyPass = (where) => `proxy_pass http://${typeof where === "number" ? `${HOST}:${where}` : `unix:${where}:`};`;

const CONFIGURATIONS = [
  {
    name: "scgi",
    label: "nginx -> SCGI -> sioscgi createServer",
    application: "scgi",
    upstream: () => "",
    location: scgiPass,
  },
  {
    name: "scgi-core",
    label: "nginx -> SCGI -> the core alone on node:net (a yardstick)",
    application: "core",
    upstream: () => "",
    location: scgiPass,
  },
  {
    name: "http-keepalive",
    label: "nginx -> HTTP/1.1 keep-alive -> node:http",
    application: "http",
    // 64 idle connections kept: more than wrk's connections, so none is ever reopened.
    upstream: (port) => `    upstream app {\n        server ${HOST}:${port};\n        keepalive 64;\n    }`,
    location: () =>
      'proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";',
  },
  {
    name: "http-close",
    label: "nginx -> HTTP/1.0, a connection per request -> node:http",
    application: "http",
    upstream: () => "",
    location: proxyPass,
  },
  {
    name: "scgi-unix",
    label: "nginx -> SCGI, Unix socket -> sioscgi createServer",
    application: "scgi",
    unix: true,
    upstream: () => "",
    location: scgiPass,
  },
  {
    name: "http-close-unix",
    label: "nginx -> HTTP/1.0, Unix socket -> node:http",
    application: "http",
    unix: true,
    upstream: () => "",
    location: proxyPass,
  },
  {
    name: "express-scgi",
    label: "nginx -> SCGI -> Express on sioscgi/http",
    application: "express-scgi",
    upstream: () => "",
    location: scgiPass,
  },
  {
    name: "express-close",
    label: "nginx -> HTTP/1.0 -> Express on node:http",
    application: "express-http",
    upstream: () => "",
    location: proxyPass,
  },
];

/** Each target: a configuration's rate at least `factor` times another's. */
const TARGETS = [
  { name: "scgi", versus: "scgi-core", factor: 0.9, what: "createServer against the core alone" },
  { name: "scgi", versus: "http-close", factor: 1.0, what: "createServer against the default proxy_pass to node:http" },
  {
    name: "scgi-unix",
    versus: "http-close-unix",
    factor: 1.0,
    what: "the same over a Unix socket",
  },
  {
    name: "express-scgi",
    versus: "express-close",
    factor: 0.9,
    what: "Express on sioscgi/http against Express behind the default proxy_pass",
  },
];

/** Starts one configuration's nginx in front of an application on `appPort`; resolves to nginx's port. */
async function startNginx(nginx, configuration, appPort) {
  const dir = join(directory, configuration.name);
  mkdirSync(dir);
  chmodSync(dir, 0o777); // nginx's workers may run as another user and write here
  const port = await freePort();
  const config = join(dir, "nginx.conf");
  writeFileSync(
    config,
    nginxConfig({
      directory: dir,
      listen: `${HOST}:${port}`,
      upstream: configuration.upstream(appPort),
      location: configuration.location(appPort),
      logLevel: "error",
    }),
  );
  const child = start(SERVER_CPU, nginx, ["-p", dir, "-c", config, "-e", "stderr"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.once("exit", (code) => {
    if (!stopping) fail(`nginx for ${configuration.name} stopped (exit ${code})`);
  });
  return port;
}

/**
 * Waits until `url` answers, then checks that it answers what wrk will be counting: 200,
 * the handler's body and content type, and a Content-Length (the same framing for all).
 */
async function checkResponse(url) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const response = await fetch(url);
      const body = await response.text();
      const problems = [];
      if (response.status !== 200) problems.push(`status ${response.status}`);
      if (body !== BODY) problems.push(`body ${JSON.stringify(body)}`);
      if (response.headers.get("content-type") !== CONTENT_TYPE) problems.push("content-type");
      if (response.headers.get("content-length") !== String(BODY.length)) problems.push("content-length");
      if (problems.length > 0) throw new Error(`${url} answered wrongly: ${problems.join(", ")}`);
      return;
    } catch (error) {
      if (error.message.includes("answered wrongly") || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

// --- wrk -----------------------------------------------------------------------------------

const TIME_UNITS = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

/** Milliseconds from one of wrk's times ("812.00us", "1.23ms", "2.00s"). */
function milliseconds(text) {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  if (match === null) throw new Error(`wrk printed a time it cannot parse: ${text}`);
  return Number(match[1]) * TIME_UNITS[match[2]];
}

/** The figures of wrk's output with --latency: req/s, p99, and any errors. */
function parseWrk(output) {
  const requestsPerSecond = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const p99 = /^\s+99%\s+(\S+)/m.exec(output);
  const requests = /(\d+) requests in/.exec(output);
  if (requestsPerSecond === null || p99 === null || requests === null) {
    throw new Error(`wrk's output has no figures:\n${output}`);
  }
  const errors = [];
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  if (socket !== null)
    errors.push(`socket errors: connect ${socket[1]}, read ${socket[2]}, write ${socket[3]}, timeout ${socket[4]}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  if (non2xx !== null) errors.push(`${non2xx[1]} non-2xx responses`);
  return {
    requestsPerSecond: Number(requestsPerSecond[1]),
    p99: milliseconds(p99[1]),
    requests: Number(requests[1]),
    errors,
  };
}

/** Runs wrk on CPU 1 against `url` for `seconds`; resolves to its parsed figures. */
function runWrk(wrk, url, seconds) {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", "--timeout", "5s", url];
  const child = start(CLIENT_CPU, wrk, args);
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    const limit = setTimeout(() => child.kill("SIGKILL"), (seconds + 15) * 1000);
    child.once("exit", (code, signal) => {
      clearTimeout(limit);
      if (code !== 0) return reject(new Error(`wrk exited (${code ?? signal}):\n${output}`));
      try {
        resolve(parseWrk(output));
      } catch (error) {
        reject(error);
      }
    });
  });
}

// --- printing ------------------------------------------------------------------------------

const number = (value, digits = 0) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (value) => `${number(value, 2)}x`;
const ms = (value) => `${number(value, 2)} ms`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function row(label, figures, note = "") {
  console.log(`  ${label.padEnd(58)} ${figures.map((figure) => figure.padStart(10)).join("")}  ${note}`);
}

// --- main ----------------------------------------------------------------------------------

const tools = requireTools();
const { server: SERVER_CPU, client: CLIENT_CPU } = chooseCPUs();
const perRun = DURATION + 1; // wrk's duration plus starting it
const limit = CONFIGURATIONS.length * (WARMUP + 1 + ROUNDS * perRun) + 60;
setTimeout(() => fail(`took longer than ${limit} s; stopped`), limit * 1000).unref();

directory = mkdtempSync(join(os.tmpdir(), "sioscgi-e2e-"));
chmodSync(directory, 0o777);
if (PROFILE !== "") mkdirSync(PROFILE, { recursive: true });

const nginxVersion = spawnSync(tools.nginx, ["-v"], { encoding: "utf8" })
  .stderr.trim()
  .replace(/^nginx version: /, "");
const cpus = os.cpus();
console.log(
  `sioscgi end to end: wrk -> ${nginxVersion} -> Node ${process.version} application, ${os.platform()} ${os.arch()}, ` +
    `${cpus.length} CPUs (${cpus[0]?.model.trim() ?? "unknown"})`,
);
console.log(
  `wrk: 1 thread, ${CONNECTIONS} connections, ${DURATION} s per run after a ${WARMUP} s warm-up; ` +
    `nginx (1 worker) and the application pinned to CPU ${SERVER_CPU}, wrk to CPU ${CLIENT_CPU}; ` +
    `${ROUNDS} rounds interleaved, medians`,
);

const applications = {};
for (const configuration of CONFIGURATIONS) {
  const key = `${configuration.application}${configuration.unix ? "-unix" : ""}`;
  applications[key] ??= await startApplication(configuration.application, configuration.unix === true);
  configuration.where = applications[key];
}
for (const configuration of CONFIGURATIONS) {
  const port = await startNginx(tools.nginx, configuration, configuration.where);
  configuration.url = `http://${HOST}:${port}/`;
  await checkResponse(configuration.url);
}

for (const configuration of CONFIGURATIONS) {
  await runWrk(tools.wrk, configuration.url, WARMUP);
  configuration.runs = [];
}
const errors = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const configuration of CONFIGURATIONS) {
    const run = await runWrk(tools.wrk, configuration.url, DURATION);
    configuration.runs.push(run);
    for (const error of run.errors) errors.push(`${configuration.name}, round ${round}: ${error}`);
    process.stdout.write(
      `  round ${round}/${ROUNDS} ${configuration.name.padEnd(15)} ${number(run.requestsPerSecond).padStart(8)} req/s, p99 ${ms(run.p99)}\n`,
    );
  }
}

const results = new Map(
  CONFIGURATIONS.map((configuration) => [
    configuration.name,
    {
      ...configuration,
      requestsPerSecond: median(configuration.runs.map((run) => run.requestsPerSecond)),
      p99: median(configuration.runs.map((run) => run.p99)),
    },
  ]),
);
/** What each row is compared with: the baseline of its target, or SCGI over TCP for the yardsticks. */
const COMPARED = new Map([...TARGETS.map((target) => [target.versus, target.name]), ["http-keepalive", "scgi"]]);
console.log("");
row("", ["req/s", "p99"], "ratio                 (req/s of each round)");
for (const result of results.values()) {
  const against = COMPARED.get(result.name);
  const versus =
    against === undefined
      ? "".padEnd(21)
      : `${against} / this: ${ratio(results.get(against).requestsPerSecond / result.requestsPerSecond)}`.padEnd(21);
  const rounds = result.runs.map((run) => number(run.requestsPerSecond)).join(", ");
  row(result.label, [number(result.requestsPerSecond), ms(result.p99)], `${versus} (${rounds})`);
}

console.log("\nTargets");
for (const target of TARGETS) {
  const [mine, theirs] = [results.get(target.name), results.get(target.versus)];
  const measured = mine.requestsPerSecond / theirs.requestsPerSecond;
  console.log(
    `  ${measured >= target.factor ? "met    " : "NOT MET"}  ${target.what}: at least ${ratio(target.factor)}, measured ` +
      `${ratio(measured)} (${number(mine.requestsPerSecond)} vs ${number(theirs.requestsPerSecond)} req/s; ` +
      `p99 ${ms(mine.p99)} vs ${ms(theirs.p99)})`,
  );
}
const [scgi, keepAlive] = [results.get("scgi"), results.get("http-keepalive")];
console.log(
  `  (for reference, not a target) createServer against nginx's keep-alive proxy to node:http: ` +
    `${ratio(scgi.requestsPerSecond / keepAlive.requestsPerSecond)}`,
);
if (errors.length > 0) await fail(`runs had errors, so their figures do not count:\n  ${errors.join("\n  ")}`);
if (PROFILE !== "") console.log(`\nCPU profiles of the applications: ${PROFILE}`);
await exit(0);
