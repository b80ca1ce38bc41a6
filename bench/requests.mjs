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

/** Splits `bytes` into views of at most `size` bytes. */
export function chunksOf(bytes, size) {
  const chunks = [];
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
}
