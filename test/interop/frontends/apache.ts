/** Apache in front of the app: `mod_proxy_scgi` through `ProxyPass`, in a config of its own. */

import { type Frontend, startFrontend } from "../harness.js";

const modules = "/usr/lib/apache2/modules";

// mod_unixd is built in; its User and Group apply only when Apache starts as root. The
// error log goes through cat because /dev/stderr cannot be opened when it is a socket, as
// the pipes of Node's child processes are.
export function startApache(appPort: number): Promise<Frontend> {
  return startFrontend(
    "apache2",
    (directory, port) => `ServerRoot ${directory}
ServerName 127.0.0.1
LoadModule mpm_event_module ${modules}/mod_mpm_event.so
LoadModule authz_core_module ${modules}/mod_authz_core.so
LoadModule proxy_module ${modules}/mod_proxy.so
LoadModule proxy_scgi_module ${modules}/mod_proxy_scgi.so
User www-data
Group www-data
PidFile ${directory}/apache2.pid
DefaultRuntimeDir ${directory}
Mutex file:${directory} default
ErrorLog "||/bin/cat"
LogLevel warn
Listen 127.0.0.1:${port}
ProxyPass / scgi://127.0.0.1:${appPort}/
`,
    (configFile) => ["-DFOREGROUND", "-f", configFile],
  );
}
