/** nginx in front of the app: `scgi_pass`, with Debian's `scgi_params`. */

import { type Frontend, startFrontend } from "../harness.js";

export function startNginx(appPort: number): Promise<Frontend> {
  return startFrontend(
    "nginx",
    (directory, port) => `daemon off;
worker_processes 1;
pid ${directory}/nginx.pid;
error_log stderr warn;
events {}
http {
    access_log off;
    client_body_temp_path ${directory}/client_body;
    scgi_temp_path ${directory}/scgi_temp;
    proxy_temp_path ${directory}/proxy_temp;
    fastcgi_temp_path ${directory}/fastcgi_temp;
    uwsgi_temp_path ${directory}/uwsgi_temp;
    client_max_body_size 100m;
    server {
        listen 127.0.0.1:${port};
        location / {
            include /etc/nginx/scgi_params;
            scgi_pass 127.0.0.1:${appPort};
        }
    }
}
`,
    (configFile, directory) => ["-p", directory, "-c", configFile, "-e", "stderr"],
  );
}
