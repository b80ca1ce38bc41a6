// The nginx configuration the demo and the interop suite run: a foreground nginx that keeps
// everything (pid, temp files) in one directory, so that it needs no root and leaves
// nothing behind, and passes every request to an SCGI application with Debian's scgi_params.

/**
 * @param {{ directory: string, listen: string, scgiPass: string }} options
 *   where to keep its files, the host:port to listen on, and the SCGI application's host:port
 * @returns {string} the contents of nginx.conf
 */
export function nginxConfig({ directory, listen, scgiPass }) {
  return `daemon off;
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
        listen ${listen};
        location / {
            include /etc/nginx/scgi_params;
            scgi_pass ${scgiPass};
        }
    }
}
`;
}
