/**
 * rTorrent, headless, with its XML-RPC interface on an SCGI port on loopback (or a Unix
 * socket) and nothing else on the network: no configuration file (`-n`), no port for peers
 * (`network.port_open.set=0`), no DHT, and a scratch HOME. `system.daemon.set=true` runs it
 * without its terminal interface, in the foreground.
 */

import { join } from "node:path";
import { freePort, program, runServer, type ServerProcess, scratchDirectory } from "../harness.js";

/** Starts rTorrent with its SCGI interface on a free loopback port, or on a Unix socket in its directory. */
export async function startRtorrent(transport: "tcp" | "unix" = "tcp"): Promise<ServerProcess> {
  const rtorrent = program("rtorrent");
  const directory = scratchDirectory("rtorrent");
  const listen = transport === "tcp" ? await freePort() : join(directory, "rpc.sock");
  const options = [
    "network.port_open.set=0",
    "dht.mode.set=disable",
    typeof listen === "number" ? `network.scgi.open_port=127.0.0.1:${listen}` : `network.scgi.open_local=${listen}`,
    "system.daemon.set=true",
  ];
  return runServer(rtorrent, ["-n", "-o", options.join(",")], listen, directory, { HOME: directory });
}
