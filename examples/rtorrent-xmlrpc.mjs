// One XML-RPC call to rTorrent over SCGI: prints rTorrent's version.
//
//   rtorrent -o network.scgi.open_port=127.0.0.1:5000     # in another terminal
//   npm run build && node examples/rtorrent-xmlrpc.mjs    # SCGI_TARGET=unix:/path/rpc.sock for a Unix socket
import { scgiRequest } from "sioscgi/node";

const call = "<?xml version='1.0'?><methodCall><methodName>system.client_version</methodName></methodCall>";
const response = await scgiRequest(process.env.SCGI_TARGET ?? "127.0.0.1:5000", { body: call, timeout: 5000 });
console.log(response.status, (await response.text()).match(/<string>(.*)<\/string>/)[1]); // 200 0.9.8
