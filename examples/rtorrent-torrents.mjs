// Lists rTorrent's torrents with one d.multicall2 call over SCGI: hash, size, progress, name.
//
//   rtorrent -o network.scgi.open_port=127.0.0.1:5000     # in another terminal
//   npm run build && node examples/rtorrent-torrents.mjs  # SCGI_TARGET=unix:/path/rpc.sock for a Unix socket
import { scgiRequest } from "sioscgi/node";

const FIELDS = ["d.hash=", "d.size_bytes=", "d.completed_bytes=", "d.name="];

const toXML = (text) => text.replace(/[&<>]/g, (character) => `&#${character.charCodeAt(0)};`);
const fromXML = (text) =>
  text.replace(/&(#x?[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (_, entity) => {
    const named = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[entity];
    return named ?? String.fromCodePoint(Number(entity[1] === "x" ? `0${entity.slice(1)}` : entity.slice(1)));
  });

/** Calls an XML-RPC method whose parameters are strings; returns the answer's XML. */
async function call(method, ...params) {
  const values = params.map((param) => `<param><value><string>${toXML(param)}</string></value></param>`).join("");
  const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${values}</params></methodCall>`;
  const response = await scgiRequest(process.env.SCGI_TARGET ?? "127.0.0.1:5000", { body, timeout: 10000 });
  const xml = await response.text();
  if (xml.includes("<fault>"))
    throw new Error(`${method}: ${fromXML(xml.match(/<string>(.*?)<\/string>/s)?.[1] ?? xml)}`);
  return xml;
}

// "" is the target (none), "main" the view with every torrent; then one command per column.
const xml = await call("d.multicall2", "", "main", ...FIELDS);
// The answer is one array holding, per torrent, an array of FIELDS' values (no deeper arrays).
const list = xml.match(/<param><value><array><data>(.*)<\/data><\/array><\/value><\/param>/s)[1];
const rows = [...list.matchAll(/<array><data>(.*?)<\/data><\/array>/gs)].map(([, row]) =>
  [...row.matchAll(/<value><(\w+)>(.*?)<\/\1><\/value>/gs)].map(([, , value]) => fromXML(value)),
);
for (const [hash, size, completed, name] of rows) {
  const percent = Number(size) === 0 ? 100 : Math.floor((100 * Number(completed)) / Number(size));
  console.log(`${hash.slice(0, 8)} ${size.padStart(12)} bytes ${String(percent).padStart(3)}% ${name}`);
}
console.log(`${rows.length} torrent${rows.length === 1 ? "" : "s"}`);
