/**
 * `--workers N`: a supervisor process that keeps N worker processes (node:cluster) serving
 * on the same listeners, replaces a worker that dies, and drains them all on SIGTERM.
 *
 * Strategy: the supervisor owns the listening sockets (cluster's round-robin mode binds
 * them in the primary process and hands each connection to a worker), so it is the one
 * that prepares Unix socket paths, creates the files with their mode and removes them.
 * Workers run the same command as a single process would, with the addresses resolved by
 * the supervisor, and report when they listen; the supervisor prints the listeners once
 * and tells systemd when all N are ready. A worker that dies is replaced at once if it had
 * lived a while, and after a growing delay if workers keep dying young.
 *
 * @module
 */

import cluster, { type Worker } from "node:cluster";
import { constants } from "node:os";
import { formatListenAddress, type ListenAddress } from "./addresses.js";
import { notifySystemd } from "./notify.js";
import { type Output, QUEUE_GRACE_MILLISECONDS, type ReadyMessage, SHUTDOWN_MESSAGE } from "./service.js";
import { prepareUnixSocket, SocketFiles } from "./sockets.js";

/** The variable that gives a worker its addresses, as `--listen` values in JSON. */
export const WORKER_LISTEN_VARIABLE = "SIOSCGI_WORKER_LISTEN";
/** The variable that gives a worker the umask to restore (the supervisor's is set for its sockets). */
export const WORKER_UMASK_VARIABLE = "SIOSCGI_WORKER_UMASK";

/** A worker that lived less than this long died young: its replacement waits. */
const YOUNG_MILLISECONDS = 5_000;
/** The first wait after a young death; it doubles with each one in a row. */
const FIRST_DELAY_MILLISECONDS = 100;
const MAX_DELAY_MILLISECONDS = 10_000;

/**
 * How the supervisor runs.
 *
 * @internal
 */
export interface SupervisorOptions {
  readonly workers: number;
  readonly addresses: readonly ListenAddress[];
  readonly socketMode: number | undefined;
  /** The script each worker runs (the command itself) and its arguments. */
  readonly exec: string;
  readonly args: readonly string[];
  readonly output: Output;
  /** Signals that stop the supervisor; the first drains every worker, the second ends them at once. */
  readonly signals: readonly NodeJS.Signals[];
}

/** How long a replacement waits after `youngDeaths` workers in a row died young. */
export function restartDelay(youngDeaths: number): number {
  return youngDeaths === 0 ? 0 : Math.min(FIRST_DELAY_MILLISECONDS * 2 ** (youngDeaths - 1), MAX_DELAY_MILLISECONDS);
}

/** Whether a worker's message is its ready report. */
function isReady(message: unknown): message is ReadyMessage {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "sioscgi:ready";
}

/**
 * Runs the supervisor until it has stopped, and resolves with its exit status: 0 after
 * every worker drained; a worker's status if one failed before the service was ever
 * ready (a bad module, a busy address); 128 + the signal's number after a second signal.
 *
 * @throws `ListenError` if a Unix socket path is in use by a live server.
 */
export async function supervise(options: SupervisorOptions): Promise<number> {
  const { output } = options;
  for (const address of options.addresses) if (address.kind === "unix") await prepareUnixSocket(address.path);
  const files = new SocketFiles();
  // This process binds the sockets (when the first worker asks) and creates no other file.
  const umask = options.socketMode === undefined ? process.umask() : process.umask(~options.socketMode & 0o777);
  cluster.setupPrimary({ exec: options.exec, args: [...options.args] });
  const environment = {
    [WORKER_LISTEN_VARIABLE]: JSON.stringify(options.addresses.map(formatListenAddress)),
    [WORKER_UMASK_VARIABLE]: String(umask),
  };

  const started = new Map<Worker, number>();
  const ready = new Set<Worker>();
  let everReady = false;
  let youngDeaths = 0;
  let stopping = false;
  /** The status of a worker that failed before the service was ever ready: the supervisor's own. */
  let failure: number | undefined;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  return new Promise((resolve) => {
    const finish = (status: number): void => {
      for (const signal of options.signals) process.off(signal, onSignal);
      cluster.off("exit", onExit);
      for (const timer of timers) clearTimeout(timer);
      files.removeAll();
      process.umask(umask);
      resolve(status);
    };
    const fork = (): void => {
      const worker = cluster.fork(environment);
      started.set(worker, Date.now());
      worker.on("message", (message: unknown) => {
        if (!isReady(message)) return;
        // Each time: the file is made anew whenever every worker had died at once.
        if (!stopping) for (const address of options.addresses) if (address.kind === "unix") files.add(address.path);
        if (!everReady && ready.size === 0) {
          for (const line of message.listening) output.out(`sioscgi: listening on ${line}`);
        }
        ready.add(worker);
        if (everReady) {
          output.out(`sioscgi: worker ${worker.process.pid} ready`);
        } else if (ready.size === options.workers) {
          everReady = true;
          const pids = [...ready].map((each) => each.process.pid).join(", ");
          output.out(`sioscgi: ${options.workers} workers ready (pids ${pids})`);
          void notifySystemd("READY=1");
        }
        if (stopping) worker.send(SHUTDOWN_MESSAGE);
      });
    };
    const onExit = (worker: Worker, code: number | null, signal: string | null): void => {
      if (!started.has(worker)) return; // Not one of this supervisor's.
      const lived = Date.now() - (started.get(worker) as number);
      const wasReady = ready.delete(worker);
      started.delete(worker);
      if (stopping) {
        if (started.size === 0) finish(failure ?? 0);
        return;
      }
      const how = signal === null ? `with status ${code}` : `on ${signal}`;
      if (!everReady && !wasReady) {
        output.err(`sioscgi: a worker exited ${how} before it was ready; stopping`);
        stopping = true;
        failure = code === 0 || code === null ? 1 : code;
        for (const other of started.keys()) other.process.kill("SIGTERM");
        if (started.size === 0) finish(failure);
        return;
      }
      youngDeaths = lived < YOUNG_MILLISECONDS ? youngDeaths + 1 : 0;
      const delay = restartDelay(youngDeaths);
      output.err(
        `sioscgi: worker ${worker.process.pid} exited ${how}; starting another${delay > 0 ? ` in ${delay} ms` : ""}`,
      );
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) fork();
      }, delay);
      timers.add(timer);
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        output.err(`sioscgi: ${signal} again: ending every worker now`);
        for (const worker of started.keys()) worker.process.kill("SIGTERM");
        finish(128 + constants.signals[signal]);
        return;
      }
      stopping = true;
      output.out(`sioscgi: ${signal}: draining ${started.size} workers`);
      void notifySystemd("STOPPING=1");
      if (started.size === 0) {
        finish(0);
        return;
      }
      const tellWorkers = (): void => {
        for (const worker of started.keys()) if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
      };
      // As a single process does: the paths go first, and the workers are still handed
      // the connections already queued for a moment before they close.
      if (!files.removeAll()) {
        tellWorkers();
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        tellWorkers();
      }, QUEUE_GRACE_MILLISECONDS);
      timers.add(timer);
    };
    for (const signal of options.signals) process.on(signal, onSignal);
    cluster.on("exit", onExit);
    for (let index = 0; index < options.workers; index++) fork();
  });
}
