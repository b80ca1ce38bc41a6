/**
 * The requests the benchmarks feed, each as SCGI bytes and as the HTTP/1.1 request a web
 * server would have received for it, so that SCGI and HTTP parsers see the same request.
 */

/** The HTTP request headers of a typical GET, as a client sends them to nginx. */
const GET_HEADERS = [
  ["Host", "example.com"],
  ["User-Agent", "curl/8.5.0"],
  ["Accept", "*/*"],
  ["Accept-Language", "en-US,en;q=0.5"],
  ["Accept-Encoding", "gzip, deflate"],
  ["Connection", "keep-alive"],
];

/**
 * The environment nginx sends for a request: CONTENT_LENGTH first, then the variables of
 * Debian's default /etc/nginx/scgi_params in their order (HTTPS is `if_not_empty` and absent
 * over http), then one HTTP_* variable per request header. This is the order and the shape
 * of test/fixtures/nginx-1.22-repeated-headers.scgi, captured from nginx 1.22, without its
 * repeated headers.
 */
function nginxEnvironment({ method, uri, contentType = "", contentLength = 0, headers }) {
  const [path, query = ""] = uri.split("?");
  return [
    ["CONTENT_LENGTH", String(contentLength)],
    ["REQUEST_METHOD", method],
    ["REQUEST_URI", uri],
    ["QUERY_STRING", query],
    ["CONTENT_TYPE", contentType],
    ["DOCUMENT_URI", path],
    ["DOCUMENT_ROOT", "/var/www/html"],
    ["SCGI", "1"],
    ["SERVER_PROTOCOL", "HTTP/1.1"],
    ["REQUEST_SCHEME", "http"],
    ["REMOTE_ADDR", "192.0.2.17"],
    ["REMOTE_PORT", "54700"],
    ["SERVER_PORT", "80"],
    ["SERVER_NAME", "example.com"],
    ...headers.map(([name, value]) => [`HTTP_${name.toUpperCase().replaceAll("-", "_")}`, value]),
  ];
}

/** The SCGI netstring for an environment, as bytes. */
export function scgiHeaderBytes(environment) {
  const block = environment.map(([name, value]) => `${name}\0${value}\0`).join("");
  return Buffer.from(`${block.length}:${block},`, "latin1");
}

/** The HTTP/1.1 request head for the same request. */
function httpHeadBytes(method, uri, headers) {
  const lines = headers.map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return Buffer.from(`${method} ${uri} HTTP/1.1\r\n${lines}\r\n`, "latin1");
}

/** Suite 1: a GET through nginx with its default scgi_params: 20 variables. */
export const nginxGet = (() => {
  const environment = nginxEnvironment({ method: "GET", uri: "/items?id=42", headers: GET_HEADERS });
  return {
    variables: environment.length,
    scgi: scgiHeaderBytes(environment),
    http: httpHeadBytes("GET", "/items?id=42", GET_HEADERS),
  };
})();

/** Suite 2: a POST with a body of `bodyLength` bytes, SCGI head and HTTP head separately. */
export function nginxPost(bodyLength) {
  const headers = [
    ...GET_HEADERS,
    ["Content-Type", "application/octet-stream"],
    ["Content-Length", String(bodyLength)],
  ];
  const environment = nginxEnvironment({
    method: "POST",
    uri: "/upload",
    contentType: "application/octet-stream",
    contentLength: bodyLength,
    headers,
  });
  return { scgi: scgiHeaderBytes(environment), http: httpHeadBytes("POST", "/upload", headers) };
}

/**
 * Suite 3: a GET whose environment block is exactly `size` bytes: the nginx GET padded
 * with extra request headers (X-Padding-N) of about 100 bytes each, as a request with many
 * cookies or forwarded headers would be. The HTTP head carries the same headers.
 */
export function paddedGet(size) {
  const headers = [...GET_HEADERS];
  const blockSize = () =>
    nginxEnvironment({ method: "GET", uri: "/items?id=42", headers }).reduce(
      (sum, [name, value]) => sum + name.length + value.length + 2,
      0,
    );
  for (let index = 0; blockSize() < size; index++) {
    const name = `X-Padding-${index}`;
    const room = size - blockSize() - (`HTTP_${name}`.length + 2);
    headers.push([name, "p".repeat(Math.max(0, Math.min(100, room)))]);
  }
  const environment = nginxEnvironment({ method: "GET", uri: "/items?id=42", headers });
  const scgi = scgiHeaderBytes(environment);
  if (blockSize() !== size) throw new Error(`padded environment is ${blockSize()} bytes, not ${size}`);
  return { scgi, http: httpHeadBytes("GET", "/items?id=42", headers), variables: environment.length };
}

/** One one-byte array for each byte value, shared by every {@link oneByteChunks}. */
const ONE_BYTE = Array.from({ length: 256 }, (_, value) => Uint8Array.of(value));

/**
 * `bytes` as one-byte chunks, each of the 256 possible chunks being one shared array. Why
 * not a view per byte: 65,536 views of a 64 KiB request would take megabytes, and walking
 * them would cost every parser cache misses that grow with the request, which is the
 * benchmark's cost, not the parser's (a server gets each chunk fresh from its socket).
 * Sharing is safe here: the environment is copied by every parser, and these requests
 * have no body.
 */
export function oneByteChunks(bytes) {
  return Array.from(bytes, (byte) => ONE_BYTE[byte]);
}

/** Splits `bytes` into views of at most `size` bytes. */
export function chunksOf(bytes, size) {
  const chunks = [];
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
}

/**
 * The environment that costs the most memory per byte among those a reader accepts with
 * the default limits: exactly `bytes` bytes (the default `rxBufferLimit`) in exactly
 * `variables` variables (the default `variableLimit`), the mandatory CONTENT_LENGTH and
 * SCGI first, then distinct names as long as the bytes allow, all with empty values. For a
 * given size, more variables mean more per-variable objects, and longer names more
 * decoded text, and empty values leave the most bytes to both.
 */
export function fullestEnvironment(bytes, variables) {
  const environment = [
    ["CONTENT_LENGTH", "0"],
    ["SCGI", "1"],
  ];
  let room = bytes - environment.reduce((sum, [name, value]) => sum + name.length + value.length + 2, 0);
  for (let left = variables - environment.length; left > 0; left--) {
    // Each variable is its name and two NULs; spread the room evenly over those left.
    const nameLength = Math.floor(room / left) - 2;
    const name = `V${environment.length}_`.padEnd(nameLength, "x");
    environment.push([name, ""]);
    room -= name.length + 2;
  }
  const scgi = scgiHeaderBytes(environment);
  if (scgi.length !== `${bytes}:`.length + bytes + 1) throw new Error(`fullest environment is not ${bytes} bytes`);
  return { scgi, bytes, variables: environment.length };
}

/**
 * The same number of variables in as few bytes as they fit: two-byte names, empty values.
 * Memory per byte is at its highest here, but the total is far below the fullest
 * environment's.
 */
export function tiniestEnvironment(variables) {
  const environment = [
    ["CONTENT_LENGTH", "0"],
    ["SCGI", "1"],
  ];
  for (let index = 0; environment.length < variables; index++) {
    environment.push([String.fromCharCode(0x41 + (index % 26), 0x41 + Math.floor(index / 26)), ""]);
  }
  const scgi = scgiHeaderBytes(environment);
  return { scgi, bytes: scgi.length - scgi.indexOf(0x3a) - 2, variables: environment.length };
}
