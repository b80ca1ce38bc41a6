import { startNginx } from "./frontends/nginx.js";
import { interopSuite } from "./suite.js";

interopSuite("nginx", startNginx, {
  chunkedUpload: "forwarded",
  localRedirect: 302,
  twoCookieLines: "a=1; b=2",
  midUploadDisconnect: "never reaches the app",
  disconnectWhileHandlerWorks: "noticed at the answer",
  midBodyFailure: "a failed read",
});
