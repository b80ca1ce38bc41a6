/** nginx in front of the app: `scgi_pass`, with Debian's `scgi_params`. */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { nginxConfig } from "../../../scripts/nginx-config.mjs";
import { type Frontend, freePort, program, runFrontend, scratchDirectory } from "../harness.js";

export async function startNginx(appPort: number): Promise<Frontend> {
  const nginx = program("nginx");
  const directory = scratchDirectory("nginx");
  const port = await freePort();
  const config = join(directory, "nginx.conf");
  writeFileSync(config, nginxConfig({ directory, listen: `127.0.0.1:${port}`, scgiPass: `127.0.0.1:${appPort}` }));
  return runFrontend(nginx, ["-p", directory, "-c", config, "-e", "stderr"], port, directory);
}
