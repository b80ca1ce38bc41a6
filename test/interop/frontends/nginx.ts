/** nginx in front of the app: `scgi_pass`, with Debian's `scgi_params` (the demo's config). */

import { nginxConfig } from "../../../scripts/nginx-config.mjs";
import { type Frontend, startFrontend } from "../harness.js";

export function startNginx(appPort: number): Promise<Frontend> {
  return startFrontend(
    "nginx",
    (directory, port) => nginxConfig({ directory, listen: `127.0.0.1:${port}`, scgiPass: `127.0.0.1:${appPort}` }),
    (configFile, directory) => ["-p", directory, "-c", configFile, "-e", "stderr"],
  );
}
