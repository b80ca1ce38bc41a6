/**
 * rTorrent, headless, with its XML-RPC interface on an SCGI port on loopback and nothing
 * else on the network: no configuration file (`-n`), no port for peers
 * (`network.port_open.set=0`), no DHT, and a scratch HOME. `system.daemon.set=true` runs it
 * without its terminal interface, in the foreground.
 */

import { freePort, program, runServer, type ServerProcess, scratchDirectory } from "../harness.js";

export async function startRtorrent(): Promise<ServerProcess> {
  const rtorrent = program("rtorrent");
  const directory = scratchDirectory("rtorrent");
  const port = await freePort();
  const options = [
    "network.port_open.set=0",
    "dht.mode.set=disable",
    `network.scgi.open_port=127.0.0.1:${port}`,
    "system.daemon.set=true",
  ];
  return runServer(rtorrent, ["-n", "-o", options.join(",")], port, directory, { HOME: directory });
}
