import { startLighttpd } from "./frontends/lighttpd.js";
import { interopSuite } from "./suite.js";

interopSuite("lighttpd", startLighttpd, {
  chunkedUpload: "forwarded",
  localRedirect: 302,
  twoCookieLines: "a=1; b=2",
  midUploadDisconnect: "never reaches the app",
  disconnectWhileHandlerWorks: "unnoticed",
  midBodyFailure: "the part sent, as if whole",
});

interopSuite("lighttpd streaming request bodies", (appPort) => startLighttpd(appPort, 2), {
  chunkedUpload: 411,
  localRedirect: 302,
  twoCookieLines: "a=1; b=2",
  midUploadDisconnect: "aborted",
  disconnectWhileHandlerWorks: "unnoticed",
  midBodyFailure: "the part sent, as if whole",
});
