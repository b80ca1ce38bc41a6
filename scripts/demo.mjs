// npm run demo: the example application over SCGI, with nginx in front of it when nginx is
// installed, each with a config generated in a temporary directory. Ctrl-C stops both.
//
//   SCGI_PORT (default 4000) and HTTP_PORT (default 8080) choose the loopback ports.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { serve } from "../examples/hello-app.mjs";
import { nginxConfig } from "./nginx-config.mjs";

const host = "127.0.0.1";
const scgiPort = Number(process.env.SCGI_PORT ?? 4000);
const httpPort = Number(process.env.HTTP_PORT ?? 8080);

const server = await serve(host, scgiPort).catch((error) => {
  console.error(
    `Cannot listen on ${host}:${scgiPort} (${error.code ?? error.message}); set SCGI_PORT to another port.`,
  );
  process.exit(1);
});
console.log(`SCGI application listening on ${host}:${scgiPort}`);

/** Where nginx is, if it is installed (Debian puts it in /usr/sbin). */
function findNginx() {
  const found = spawnSync("sh", ["-c", "command -v nginx"], {
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
  });
  return found.status === 0 ? found.stdout.toString().trim() : null;
}

const nginxPath = findNginx();
let stopping = false;
let nginx = null;
let directory = null;
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop(0));
if (nginxPath === null) {
  console.log(
    [
      "nginx is not installed, so only the SCGI side runs. To browse it, install nginx",
      "(Debian/Ubuntu: sudo apt-get install nginx-light) and run npm run demo again, or point",
      `any SCGI client at ${host}:${scgiPort} (examples/ has configs for nginx, Apache and lighttpd).`,
    ].join("\n"),
  );
} else {
  directory = mkdtempSync(join(tmpdir(), "sioscgi-demo-"));
  chmodSync(directory, 0o777); // nginx's workers may run as another user and write here
  const config = join(directory, "nginx.conf");
  writeFileSync(config, nginxConfig({ directory, listen: `${host}:${httpPort}`, scgiPass: `${host}:${scgiPort}` }));
  nginx = spawn(nginxPath, ["-p", directory, "-c", config, "-e", "stderr"], { stdio: "inherit" });
  nginx.once("exit", (code, signal) => {
    if (!stopping) {
      console.error(
        `nginx stopped (${signal ?? `exit ${code}`}); is port ${httpPort} free? Set HTTP_PORT to another port.`,
      );
      stop(1);
    }
  });
  // nginx binds its port a moment after it starts: say "listening" only once it accepts.
  while (!(await accepts(host, httpPort))) {
    if (stopping) break; // nginx exited: its exit handler says why
    await sleep(50);
  }
  if (!stopping) {
    console.log(`nginx listening on ${host}:${httpPort}, passing requests to the application over SCGI`);
    console.log(`\nOpen http://${host}:${httpPort}/ in a browser. Ctrl-C stops everything.`);
  }
}

/** Whether something accepts a TCP connection on host:port now. */
function accepts(host, port) {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  if (nginx !== null && nginx.exitCode === null && nginx.signalCode === null) {
    const exited = new Promise((resolve) => nginx.once("exit", resolve));
    nginx.kill("SIGTERM");
    await exited;
  }
  if (directory !== null) rmSync(directory, { recursive: true, force: true });
  server.close(() => process.exit(code));
  setTimeout(() => process.exit(code), 2000).unref();
}
