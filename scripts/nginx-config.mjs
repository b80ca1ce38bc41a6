// The nginx configuration the demo, the interop suite and the end-to-end benchmark run: a
// foreground nginx that keeps everything (pid, temp files) in one directory, so that it
// needs no root and leaves nothing behind. By default it passes every request to an SCGI
// application with Debian's scgi_params.

/**
 * @param {{ directory: string, listen: string, scgiPass?: string, location?: string, upstream?: string, logLevel?: string }} options
 *   where to keep its files; the host:port to listen on; the SCGI application's host:port,
 *   or instead the body of `location /` (other directives, such as proxy_pass); blocks to
 *   add to `http` (such as an upstream); the error log's level (default warn)
 * @returns {string} the contents of nginx.conf
 */
export function nginxConfig({ directory, listen, scgiPass, location, upstream = "", logLevel = "warn" }) {
  const body = location ?? `include /etc/nginx/scgi_params;\n            scgi_pass ${scgiPass};`;
  return `daemon off;
worker_processes 1;
pid ${directory}/nginx.pid;
error_log stderr ${logLevel};
events {}
http {
    access_log off;
    client_body_temp_path ${directory}/client_body;
    scgi_temp_path ${directory}/scgi_temp;
    proxy_temp_path ${directory}/proxy_temp;
    fastcgi_temp_path ${directory}/fastcgi_temp;
    uwsgi_temp_path ${directory}/uwsgi_temp;
    client_max_body_size 100m;
${upstream}
    server {
        listen ${listen};
        location / {
            ${body}
        }
    }
}
`;
}
