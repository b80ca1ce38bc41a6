/**
 * Apache in front of the app, in a config of its own: `mod_proxy_scgi` through `ProxyPass`,
 * to one app or to a `mod_proxy_balancer` group of several.
 */

import { type Frontend, startFrontend } from "../harness.js";

const modules = "/usr/lib/apache2/modules";

/**
 * A foreground Apache on `port` that keeps its files in `directory`, with the proxy
 * modules, `extraModules`, and `proxy` (the directives that route requests).
 *
 * mod_unixd is built in; its User and Group apply only when Apache starts as root. The
 * error log goes through cat because /dev/stderr cannot be opened when it is a socket, as
 * the pipes of Node's child processes are.
 */
function apacheConfig(directory: string, port: number, extraModules: string[], proxy: string): string {
  const load = (name: string): string => `LoadModule ${name}_module ${modules}/mod_${name}.so\n`;
  return `ServerRoot ${directory}
ServerName 127.0.0.1
${["mpm_event", "authz_core", "proxy", "proxy_scgi", ...extraModules].map(load).join("")}User www-data
Group www-data
PidFile ${directory}/apache2.pid
DefaultRuntimeDir ${directory}
Mutex file:${directory} default
ErrorLog "||/bin/cat"
LogLevel warn
Listen 127.0.0.1:${port}
${proxy}
`;
}

function startApacheWith(extraModules: string[], proxy: string): Promise<Frontend> {
  return startFrontend(
    "apache2",
    (directory, port) => apacheConfig(directory, port, extraModules, proxy),
    (configFile) => ["-DFOREGROUND", "-f", configFile],
  );
}

export function startApache(appPort: number): Promise<Frontend> {
  return startApacheWith([], `ProxyPass / scgi://127.0.0.1:${appPort}/`);
}

/**
 * Apache balancing over `sockets` (Unix socket paths) with `mod_proxy_balancer` by request
 * count. The request that finds a member down (it is restarting) goes on to another one,
 * and `retry=1` sets the member aside for a second rather than a minute. (`retry=0` would
 * let the same request try the same member again, and get a 503.)
 */
export function startApacheBalancer(sockets: string[]): Promise<Frontend> {
  // Apache names a worker by the URL after the "|": each member needs its own host name
  // (which a Unix socket does not use), or the two would be one.
  const members = sockets
    .map((path, index) => `    BalancerMember "unix:${path}|scgi://member${index}/" retry=1\n`)
    .join("");
  return startApacheWith(
    ["slotmem_shm", "proxy_balancer", "lbmethod_byrequests"],
    `<Proxy "balancer://app">
${members}    ProxySet lbmethod=byrequests
</Proxy>
ProxyPass "/" "balancer://app/"`,
  );
}
