/**
 * The `sioscgi` command: `sioscgi serve <module> [options]`, its flags read with
 * `node:util`'s `parseArgs`, then one serving process, or a supervisor and its workers.
 *
 * @module
 */

import cluster from "node:cluster";
import type net from "node:net";
import { parseArgs } from "node:util";
import type { Handler } from "../fetch/index.js";
import {
  DEFAULT_LISTEN_ADDRESS,
  errorMessage,
  inheritedListeners,
  type ListenAddress,
  parseListenAddress,
  UsageError,
} from "./addresses.js";
import { loadAppModule, type RequestListener, toFetchHandler, toRequestListener } from "./app-module.js";
import { type Output, runService } from "./service.js";
import { parseSocketMode } from "./sockets.js";
import { supervise, WORKER_LISTEN_VARIABLE, WORKER_UMASK_VARIABLE } from "./supervisor.js";

/** What `sioscgi --help` prints. */
export const USAGE = `Usage: sioscgi serve <module> [options]

Serves the default export of <module> over SCGI: a fetch handler (request) => Response,
an object with a fetch method (a Hono app), or with --api node a node:http request
listener (an Express app). The module may export onStartup and onShutdown functions,
awaited before listening and after draining.

Options:
  -l, --listen ADDR          host:port, [ipv6]:port, :port (every interface),
                             unix:/path or fd:N (an inherited socket); repeat to
                             listen on several (default: the sockets systemd passed,
                             else ${DEFAULT_LISTEN_ADDRESS})
  -w, --workers N            run N worker processes on the same listeners
      --shutdown-timeout MS  on SIGTERM or SIGINT, wait this long for requests in
                             flight before ending them (default 30000)
      --socket-mode OCTAL    permissions of Unix socket files (default 666: any
                             local user may connect, as to a loopback port)
      --api fetch|node       what the default export is (default fetch)
  -h, --help                 print this help

Exit status: 0 after a clean shutdown, 1 if serving failed, 2 for a usage error.`;

/**
 * The mode of Unix socket files unless `--socket-mode` says otherwise: any local user may
 * connect, as anyone on the machine may to a loopback port, and the web server's workers,
 * which often run as another user, can.
 */
const DEFAULT_SOCKET_MODE = "666";

/** The signals that stop the command: the first drains, the second ends at once. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

/** What `runCommand` needs from its entry point and its surroundings. */
export interface CommandContext {
  /** The arguments after the program's name. */
  readonly argv: readonly string[];
  /** The script that runs the command, which workers run too. */
  readonly script: string;
  /** Makes a server for a fetch handler: `createServer` of `sioscgi/node`. */
  readonly fetchServer: (handler: Handler) => net.Server;
  /** Loads the server for a node:http request listener: `createServer` of `sioscgi/http`. */
  readonly nodeServer: () => Promise<(listener: RequestListener) => net.Server>;
  /** Where to write: standard output and standard error. */
  readonly output: Output;
  /** The environment, to read `LISTEN_FDS` (and a worker's addresses) from. */
  readonly environment: Readonly<Record<string, string | undefined>>;
}

/** The command line, checked. */
interface Command {
  readonly module: string;
  readonly addresses: readonly ListenAddress[] | undefined;
  readonly workers: number | undefined;
  readonly shutdownTimeout: number;
  readonly socketMode: number;
  readonly api: "fetch" | "node";
}

/** A whole number from `minimum` up, given as flag `name`. */
function count(name: string, text: string | undefined, minimum: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) < minimum) {
    throw new UsageError(`--${name} takes a whole number from ${minimum} up, not ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** The flags and arguments, as `parseArgs` reads them. */
function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        listen: { type: "string", short: "l", multiple: true },
        workers: { type: "string", short: "w" },
        "shutdown-timeout": { type: "string" },
        "socket-mode": { type: "string" },
        api: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    // An unknown flag, or a flag without its value: parseArgs says which.
    throw new UsageError((error as Error).message);
  }
}

/**
 * Reads the command line; `null` for `--help`.
 *
 * @throws {@link UsageError} if it is not a valid command.
 */
function parseCommand(argv: readonly string[]): Command | null {
  const { values, positionals } = parseFlags(argv);
  if (values.help === true) return null;
  const [verb, module, ...rest] = positionals;
  if (verb !== "serve") {
    throw new UsageError(verb === undefined ? "no command given" : `unknown command ${JSON.stringify(verb)}`);
  }
  if (module === undefined) throw new UsageError("serve needs the module to serve");
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  const api = values.api ?? "fetch";
  if (api !== "fetch" && api !== "node") throw new UsageError(`--api takes fetch or node, not ${JSON.stringify(api)}`);
  const socketMode = values["socket-mode"];
  return {
    module,
    addresses: values.listen?.map(parseListenAddress),
    workers: count("workers", values.workers, 1),
    shutdownTimeout: count("shutdown-timeout", values["shutdown-timeout"], 0) ?? 30_000,
    socketMode: parseSocketMode(socketMode ?? DEFAULT_SOCKET_MODE),
    api,
  };
}

/** Makes servers for the module's default export, as `--api` says it is. */
async function serverFactory(command: Command, app: unknown, context: CommandContext): Promise<() => net.Server> {
  if (command.api === "node") {
    const listener = toRequestListener(app, command.module);
    const createServer = await context.nodeServer();
    return () => createServer(listener);
  }
  const handler = toFetchHandler(app, command.module);
  return () => context.fetchServer(handler);
}

/**
 * Runs the `sioscgi` command and resolves with its exit status: 0 after a clean shutdown
 * (or `--help`), 1 if serving failed, 2 for a usage error (a bad flag, address or module),
 * 128 + a signal's number when a second signal ended it at once. In a cluster worker it
 * runs as the worker its supervisor started.
 */
export async function runCommand(context: CommandContext): Promise<number> {
  const { output, environment } = context;
  const workerAddresses = cluster.isWorker ? environment[WORKER_LISTEN_VARIABLE] : undefined;
  let command: Command | null;
  try {
    command = parseCommand(context.argv);
  } catch (error) {
    output.err(`sioscgi: ${(error as Error).message}`);
    output.err("Run sioscgi --help for the options.");
    return 2;
  }
  if (command === null) {
    output.out(USAGE);
    return 0;
  }
  try {
    if (workerAddresses !== undefined) process.umask(Number(environment[WORKER_UMASK_VARIABLE]));
    const addresses =
      workerAddresses !== undefined
        ? (JSON.parse(workerAddresses) as string[]).map(parseListenAddress)
        : (command.addresses ?? inheritedListeners(environment, process.pid));
    const listeners = addresses.length > 0 ? addresses : [parseListenAddress(DEFAULT_LISTEN_ADDRESS)];
    if (command.workers !== undefined && workerAddresses === undefined) {
      return await supervise({
        workers: command.workers,
        addresses: listeners,
        socketMode: command.socketMode,
        exec: context.script,
        args: context.argv,
        output,
        signals: STOP_SIGNALS,
      });
    }
    const { app, onStartup, onShutdown } = await loadAppModule(command.module);
    return await runService({
      addresses: listeners,
      createServer: await serverFactory(command, app, context),
      socketMode: command.socketMode,
      onStartup,
      onShutdown,
      bindsSockets: workerAddresses === undefined,
      shutdownTimeout: command.shutdownTimeout,
      output,
      stop: { signals: STOP_SIGNALS, supervised: workerAddresses !== undefined },
    });
  } catch (error) {
    output.err(`sioscgi: ${errorMessage(error)}`);
    // A module that cannot be served, or LISTEN_FDS that make no sense: the command line
    // (or its environment) is wrong. Anything else went wrong while serving.
    return error instanceof UsageError ? 2 : 1;
  }
}
