/** A free loopback port for a process the test starts, which binds it itself. */

import net from "node:net";

/** A port free on 127.0.0.1 when this returns (the caller binds it at once). */
export async function freePortForTest(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
