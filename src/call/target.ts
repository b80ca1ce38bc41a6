/**
 * Where an SCGI server listens, as a caller writes it and as a socket binding takes it.
 *
 * Strategy: accept the spellings SCGI servers are configured with (rTorrent's
 * `network.scgi.open_port = 127.0.0.1:5000` and `network.scgi.open_local = /path`, uWSGI's
 * `--scgi-socket`), check them once, and hand the binding one of two plain shapes, so that
 * no binding parses anything.
 *
 * @module
 */

/**
 * An SCGI server's address: `"host:port"` (an IPv6 host in brackets, `"[::1]:5000"`),
 * `"unix:/path/to/socket"`, `{ host, port }` or `{ path }`.
 */
export type SCGITarget = string | { readonly host: string; readonly port: number } | { readonly path: string };

/** A checked target, as a socket binding connects to it; `name` is how messages show it. */
export type ResolvedTarget =
  | { readonly host: string; readonly port: number; readonly name: string }
  | { readonly path: string; readonly name: string };

/** A port number, or a `TypeError` that shows the target. */
function checkPort(port: unknown, shown: string): number {
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`SCGI target ${shown} needs a port from 1 to 65535`);
  }
  return port;
}

/**
 * Checks a target and resolves it to a host and port or a socket path.
 *
 * @throws `TypeError` if the target is none of the shapes of {@link SCGITarget}, or its port
 *   is not a whole number from 1 to 65535.
 */
export function resolveTarget(target: SCGITarget): ResolvedTarget {
  if (typeof target === "string") {
    if (target.startsWith("unix:")) {
      const path = target.slice(5);
      if (path === "") throw new TypeError(`SCGI target ${JSON.stringify(target)} has no socket path`);
      return { path, name: target };
    }
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]+)$/.exec(target);
    if (match === null) {
      throw new TypeError(`SCGI target ${JSON.stringify(target)} is not "host:port", "[ipv6]:port" or "unix:/path"`);
    }
    const host = (match[1] ?? match[2]) as string;
    return { host, port: checkPort(Number(match[3]), JSON.stringify(target)), name: target };
  }
  if (typeof target === "object" && target !== null) {
    if ("path" in target && typeof target.path === "string" && target.path !== "") {
      return { path: target.path, name: `unix:${target.path}` };
    }
    if ("host" in target && typeof target.host === "string" && target.host !== "") {
      const port = checkPort(target.port, JSON.stringify(target));
      return {
        host: target.host,
        port,
        name: `${target.host.includes(":") ? `[${target.host}]` : target.host}:${port}`,
      };
    }
  }
  throw new TypeError('An SCGI target is "host:port", "unix:/path", { host, port } or { path }');
}
