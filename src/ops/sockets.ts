/**
 * Listening on the addresses the command is given, with what Unix sockets need besides a
 * path: a socket file left by a process that died is replaced while one with a live server
 * behind it is an error, the file is created with the requested mode (so that no
 * connection can arrive while it has another), and it is removed when the process exits.
 *
 * @module
 */

import { lstatSync, statSync, unlinkSync } from "node:fs";
import net from "node:net";
import { formatListenAddress, type ListenAddress, UsageError } from "./addresses.js";

/** The server could not listen where it was asked to: the address is busy, or not allowed. */
export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ListenError";
  }
}

/**
 * Parses `--socket-mode`: octal permission bits such as `660` or `0666`.
 *
 * @throws {@link UsageError} for anything else.
 */
export function parseSocketMode(text: string): number {
  if (!/^0?[0-7]{3}$/.test(text))
    throw new UsageError(`--socket-mode takes octal permissions such as 660, not ${text}`);
  return Number.parseInt(text, 8);
}

/** Whether something accepts connections on the Unix socket at `path`. */
function accepting(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

/**
 * Makes `path` free for a new Unix socket: nothing there is fine, a socket nothing listens
 * behind (left by a process that was killed) is removed.
 *
 * @throws {@link ListenError} if a server answers on it, or it is not a socket.
 */
export async function prepareUnixSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // Nothing there, or nothing we may look at: listening will say what is wrong.
  }
  if (!isSocket) throw new ListenError(`unix:${path} exists and is not a socket`);
  if (await accepting(path)) throw new ListenError(`unix:${path} is in use: another server listens on it`);
  unlinkSync(path);
}

/**
 * Runs `bind` with the process's umask set so that a socket file it creates gets `mode`
 * exactly (a socket is created with 0777 less the umask), then restores the umask: the
 * socket never exists with another mode, so no connection can slip in before a chmod.
 */
export function withSocketMode<T>(mode: number | undefined, bind: () => T): T {
  if (mode === undefined) return bind();
  const previous = process.umask(~mode & 0o777);
  try {
    return bind();
  } finally {
    process.umask(previous);
  }
}

/** The message for an error `listen` reported on `address`. */
function describeListenError(address: ListenAddress, error: NodeJS.ErrnoException): string {
  const where = formatListenAddress(address);
  switch (error.code) {
    case "EADDRINUSE":
      return `${where} is in use: another server listens on it`;
    case "EACCES":
      return `${where}: permission denied`;
    case "EADDRNOTAVAIL":
      return `${where}: no such address on this machine`;
    default:
      return `cannot listen on ${where}: ${error.message}`;
  }
}

/**
 * Starts `server` listening on `address` and resolves with the address as it should be
 * printed (with the port the system chose, if `address` asked for port 0). A Unix socket
 * file is created with `socketMode`, if given.
 *
 * @throws {@link ListenError} if the server cannot listen there.
 */
export function listenOn(server: net.Server, address: ListenAddress, socketMode?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => reject(new ListenError(describeListenError(address, error)));
    server.once("error", failed);
    server.once("listening", () => {
      server.off("error", failed);
      const bound = server.address();
      resolve(
        typeof bound === "object" && bound !== null && address.kind === "tcp"
          ? formatListenAddress({ ...address, port: bound.port })
          : formatListenAddress(address),
      );
    });
    try {
      switch (address.kind) {
        case "tcp":
          server.listen({ port: address.port, host: address.host });
          break;
        case "unix":
          withSocketMode(socketMode, () => server.listen({ path: address.path }));
          break;
        case "fd":
          server.listen({ fd: address.fd });
          break;
      }
    } catch (error) {
      failed(error as NodeJS.ErrnoException);
    }
  });
}

/**
 * The Unix socket files this process created, to remove when it exits however it exits
 * (a server that closes removes its own; one still open at `process.exit` does not). Each
 * is removed only if it is still the file this process created: a new server may already
 * have bound the same path.
 */
export class SocketFiles {
  /** Each file's identity when this process made it: inode and change time (inodes are reused). */
  readonly #files = new Map<string, string>();

  /** Records the socket file at `path`, just created by this process. */
  add(path: string): void {
    this.#files.set(path, identity(path));
  }

  /** Removes the recorded files that are still this process's own; says whether there were any. */
  removeAll(): boolean {
    const any = this.#files.size > 0;
    for (const [path, made] of this.#files) {
      try {
        if (identity(path) === made) unlinkSync(path);
      } catch {
        // Already gone.
      }
    }
    this.#files.clear();
    return any;
  }
}

/** What tells one file at `path` from another made there later. */
function identity(path: string): string {
  const { dev, ino, ctimeNs } = statSync(path, { bigint: true });
  return `${dev}:${ino}:${ctimeNs}`;
}
