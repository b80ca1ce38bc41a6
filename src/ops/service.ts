/**
 * One serving process from start to exit: the startup hook, a server on each address,
 * then on SIGTERM or SIGINT (or its supervisor's word) stop accepting, drain, end the rest,
 * the shutdown hook, and an exit status. A second signal ends it at once.
 *
 * @module
 */

import type net from "node:net";
import { constants } from "node:os";
import { type GracefulServer, type ShutdownReport, withShutdown } from "../serve/shutdown.js";
import { errorMessage, type ListenAddress } from "./addresses.js";
import type { Hook } from "./app-module.js";
import { notifySystemd } from "./notify.js";
import { listenOn, prepareUnixSocket, SocketFiles } from "./sockets.js";

/** How long a stopping process still accepts connections queued on a Unix socket whose path it removed. */
export const QUEUE_GRACE_MILLISECONDS = 50;

/** The message a supervisor sends its workers to make them shut down, as a first signal would. */
export const SHUTDOWN_MESSAGE = "sioscgi:shutdown";

/** The message a worker sends its supervisor once it listens everywhere. */
export interface ReadyMessage {
  readonly type: "sioscgi:ready";
  /** Each listener, as printed. */
  readonly listening: readonly string[];
}

/** Where the process writes: one line at a time. */
export interface Output {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * How one process serves.
 *
 * @internal
 */
export interface ServiceOptions {
  readonly addresses: readonly ListenAddress[];
  /** Makes a new server (one per address) serving the application. */
  readonly createServer: () => net.Server;
  /** The mode of Unix socket files; `undefined` leaves it to the umask. */
  readonly socketMode: number | undefined;
  readonly onStartup: Hook | undefined;
  readonly onShutdown: Hook | undefined;
  /**
   * Whether this process creates its listening sockets itself. A cluster worker does not:
   * its supervisor binds them (and prepares and removes the Unix socket files).
   */
  readonly bindsSockets: boolean;
}

/** A process serving on its addresses. */
export class Service {
  /** Each listener, as printed: the address with the port the system chose. */
  readonly listening: readonly string[];
  readonly #servers: readonly (net.Server & GracefulServer)[];
  readonly #files: SocketFiles;
  readonly #onShutdown: Hook | undefined;

  private constructor(
    listening: string[],
    servers: (net.Server & GracefulServer)[],
    files: SocketFiles,
    onShutdown: Hook | undefined,
  ) {
    this.listening = listening;
    this.#servers = servers;
    this.#files = files;
    this.#onShutdown = onShutdown;
  }

  /**
   * Prepares the Unix socket paths, awaits `onStartup`, then listens on every address.
   *
   * @throws `ListenError` if an address is in use or cannot be listened on (the servers
   *   already listening are closed and `onShutdown` is awaited first); whatever
   *   `onStartup` throws.
   */
  static async start(options: ServiceOptions): Promise<Service> {
    if (options.bindsSockets) {
      for (const address of options.addresses) if (address.kind === "unix") await prepareUnixSocket(address.path);
    }
    await options.onStartup?.();
    const servers: (net.Server & GracefulServer)[] = [];
    const listening: string[] = [];
    const files = new SocketFiles();
    const service = new Service(listening, servers, files, options.onShutdown);
    try {
      for (const address of options.addresses) {
        const server = withShutdown(options.createServer());
        servers.push(server);
        listening.push(await listenOn(server, address, options.bindsSockets ? options.socketMode : undefined));
        if (address.kind === "unix" && options.bindsSockets) files.add(address.path);
      }
    } catch (error) {
      await service.stop(0);
      throw error;
    }
    return service;
  }

  /**
   * Stops accepting on every listener at once, waits up to `timeout` milliseconds for the
   * connections in flight, ends the rest, then awaits `onShutdown`.
   *
   * @throws whatever `onShutdown` throws.
   */
  async stop(timeout: number): Promise<ShutdownReport> {
    // Unix socket paths go first: a new connection then fails at once (and the web server
    // tries another upstream), while those already queued, or being queued as the path
    // goes, are still accepted for a moment before the listeners close. Closing at once
    // would reset them after the web server had sent its request, which Apache never
    // retries and nginx only if idempotent (Apache's balancer lost a request in about one
    // restart in ten without this wait).
    if (this.#files.removeAll()) await new Promise((resolve) => setTimeout(resolve, QUEUE_GRACE_MILLISECONDS));
    const reports = await Promise.all(this.#servers.map((server) => server.shutdown(timeout)));
    await this.#onShutdown?.();
    return { ended: reports.reduce((sum, report) => sum + report.ended, 0) };
  }

  /** Ends every connection now and removes the socket files, for an exit that cannot wait. */
  endNow(): void {
    for (const server of this.#servers) server.closeAllConnections();
    this.#files.removeAll();
  }
}

/** The exit status of a process ended by `signal`, as shells report it. */
function signalStatus(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/** A process's sources of stop requests, replaceable in tests. */
export interface StopRequests {
  /** Signals that stop the process; the first drains, the second ends it at once. */
  readonly signals: readonly NodeJS.Signals[];
  /** Whether a supervisor may ask this process to stop (a cluster worker). */
  readonly supervised: boolean;
}

/**
 * Runs one serving process: starts the {@link Service}, says where it listens (printed,
 * or to the supervisor), tells systemd it is ready, and resolves with the exit status once
 * it has stopped: 0 after a drain and `onShutdown`, 1 if starting or `onShutdown` failed,
 * 128 + the signal's number when a second signal ended it at once.
 */
export async function runService(
  options: ServiceOptions & { readonly shutdownTimeout: number; readonly output: Output; readonly stop: StopRequests },
): Promise<number> {
  const { output, stop } = options;
  let service: Service;
  try {
    service = await Service.start(options);
  } catch (error) {
    output.err(`sioscgi: ${errorMessage(error)}`);
    return 1;
  }
  return new Promise((resolve) => {
    let stopping = false;
    let finished = false;
    // systemd hears READY=1 before STOPPING=1, and the process waits for both before it
    // exits (unless a second signal ends it at once).
    let notices = Promise.resolve();
    const notify = (state: "READY=1" | "STOPPING=1"): void => {
      if (stop.supervised) return; // The supervisor speaks for its workers.
      notices = notices.then(() => notifySystemd(state));
    };
    const finish = (status: number): void => {
      finished = true;
      for (const signal of stop.signals) process.off(signal, onSignal);
      process.off("message", onMessage);
      resolve(status);
    };
    const drain = (why: string): void => {
      stopping = true;
      output.out(`sioscgi: ${why}: stopped accepting; draining for up to ${options.shutdownTimeout} ms`);
      notify("STOPPING=1");
      const stopped = service.stop(options.shutdownTimeout);
      Promise.all([stopped, notices]).then(
        ([{ ended }]) => {
          if (finished) return; // A second signal ended it first.
          output.out(`sioscgi: stopped${ended > 0 ? `; ${ended} connections were cut short` : ""}`);
          finish(0);
        },
        (error: unknown) => {
          if (finished) return;
          output.err(`sioscgi: onShutdown failed: ${errorMessage(error)}`);
          finish(1);
        },
      );
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (!stopping) {
        drain(signal);
        return;
      }
      output.err(`sioscgi: ${signal} again: ending every connection now`);
      service.endNow();
      finish(signalStatus(signal));
    };
    const onMessage = (message: unknown): void => {
      if (message === SHUTDOWN_MESSAGE && !stopping) drain("asked to stop");
    };
    for (const signal of stop.signals) process.on(signal, onSignal);
    if (stop.supervised) {
      process.on("message", onMessage);
      process.send?.({ type: "sioscgi:ready", listening: service.listening } satisfies ReadyMessage);
    } else {
      for (const line of service.listening) output.out(`sioscgi: listening on ${line}`);
      notify("READY=1");
    }
  });
}
