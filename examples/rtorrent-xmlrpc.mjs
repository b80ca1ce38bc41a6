// One XML-RPC call to rTorrent over SCGI: prints rTorrent's version.
//
//   rtorrent -o network.scgi.open_port=127.0.0.1:5000     # in another terminal
//   npm run build && node examples/rtorrent-xmlrpc.mjs    # PORT changes the port
import net from "node:net";
import { decodeResponse, encodeRequest } from "sioscgi";

const call = "<?xml version='1.0'?><methodCall><methodName>system.client_version</methodName></methodCall>";
const socket = net.connect(Number(process.env.PORT ?? 5000), "127.0.0.1");
socket.end(encodeRequest({ REQUEST_METHOD: "POST" }, new TextEncoder().encode(call))); // CONTENT_LENGTH is added
const chunks = [];
for await (const chunk of socket) chunks.push(chunk);
const { status, body } = decodeResponse(Buffer.concat(chunks)); // throws on a malformed response
console.log(status, new TextDecoder().decode(body).match(/<string>(.*)<\/string>/)[1]); // 200 0.9.8
