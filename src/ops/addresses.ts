/**
 * Where a server listens, as the `sioscgi` command takes it on its command line: a TCP
 * address, a Unix socket path, or a socket inherited as an open file descriptor (systemd
 * socket activation). Parsing only: nothing here touches a socket.
 *
 * @module
 */

/** One place to listen: what `--listen` names, parsed. */
export type ListenAddress =
  | {
      readonly kind: "tcp";
      /** The host or IP address to bind; `undefined` for every interface (`:4000`). */
      readonly host: string | undefined;
      /** 0 asks the system for a free port. */
      readonly port: number;
    }
  | { readonly kind: "unix"; readonly path: string }
  | { readonly kind: "fd"; readonly fd: number };

/** A command line the command cannot run with: a bad flag, address or module (exit code 2). */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** What the command prints of an error: its message, or the value itself if something else was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Where the command listens when it is given no `--listen` and inherits no socket. */
export const DEFAULT_LISTEN_ADDRESS = "127.0.0.1:4000";

/** A decimal number of at most `digits` digits, as text, or `null`. */
function decimal(text: string, digits: number): number | null {
  return new RegExp(`^[0-9]{1,${digits}}$`).test(text) ? Number(text) : null;
}

/**
 * Parses one listen address: `host:port`, `[ipv6]:port`, `:port` (every interface),
 * `unix:/path/to/socket` or `fd:N` (an inherited listening socket, N from 3 up).
 *
 * @throws {@link UsageError} if `text` is none of these.
 *
 * @example
 * ```ts
 * parseListenAddress("127.0.0.1:4000"); // { kind: "tcp", host: "127.0.0.1", port: 4000 }
 * parseListenAddress("unix:/run/app.sock"); // { kind: "unix", path: "/run/app.sock" }
 * ```
 *
 * @internal
 */
export function parseListenAddress(text: string): ListenAddress {
  if (text.startsWith("unix:")) {
    const path = text.slice("unix:".length);
    if (path === "" || path.includes("\0")) throw new UsageError(`${JSON.stringify(text)} names no socket path`);
    return { kind: "unix", path };
  }
  if (text.startsWith("fd:")) {
    const fd = decimal(text.slice("fd:".length), 9);
    // 0, 1 and 2 are the standard streams; systemd passes sockets from 3 up.
    if (fd === null || fd < 3) {
      throw new UsageError(`${JSON.stringify(text)} is not an inherited socket: fd:N takes a number from 3 up`);
    }
    return { kind: "fd", fd };
  }
  const colon = text.lastIndexOf(":");
  const port = colon === -1 ? null : decimal(text.slice(colon + 1), 5);
  if (port === null || port > 65_535) {
    throw new UsageError(
      `${JSON.stringify(text)} is not a listen address: use host:port, :port, unix:/path or fd:N (port 0 to 65535)`,
    );
  }
  let host = text.slice(0, colon);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  else if (host.includes(":")) throw new UsageError(`${JSON.stringify(text)}: write an IPv6 address in brackets`);
  return { kind: "tcp", host: host === "" ? undefined : host, port };
}

/**
 * Writes an address back as `--listen` takes it, as the command prints it.
 *
 * @example
 * ```ts
 * formatListenAddress({ kind: "tcp", host: "::1", port: 4000 }); // "[::1]:4000"
 * ```
 *
 * @internal
 */
export function formatListenAddress(address: ListenAddress): string {
  switch (address.kind) {
    case "unix":
      return `unix:${address.path}`;
    case "fd":
      return `fd:${address.fd}`;
    case "tcp": {
      const host = address.host ?? "";
      return `${host.includes(":") ? `[${host}]` : host}:${address.port}`;
    }
  }
}

/**
 * The sockets systemd passed to this process (socket activation): `LISTEN_FDS` of them
 * from fd 3 up, if `LISTEN_PID` names this process. Variables meant for another process
 * (a parent that did not unset them) are ignored, as `sd_listen_fds` does.
 *
 * @param environment - The variables to read, normally `process.env`.
 * @param pid - This process's id.
 * @throws {@link UsageError} if `LISTEN_FDS` is set for this process but is not a count.
 *
 * @example
 * ```ts
 * inheritedListeners({ LISTEN_FDS: "2", LISTEN_PID: "42" }, 42); // fd:3 and fd:4
 * ```
 *
 * @internal
 */
export function inheritedListeners(
  environment: Readonly<Record<string, string | undefined>>,
  pid: number,
): ListenAddress[] {
  const { LISTEN_FDS: count, LISTEN_PID: owner } = environment;
  if (count === undefined || owner !== String(pid)) return [];
  const fds = decimal(count, 4);
  if (fds === null) throw new UsageError(`LISTEN_FDS=${JSON.stringify(count)} is not a number of sockets`);
  return Array.from({ length: fds }, (_, index) => ({ kind: "fd", fd: 3 + index }));
}
