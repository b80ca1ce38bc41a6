import { startApache } from "./frontends/apache.js";
import { interopSuite } from "./suite.js";

interopSuite("Apache", startApache, {
  chunkedUpload: 411,
  localRedirect: "served",
  twoCookieLines: "a=1, b=2",
  midUploadDisconnect: "aborted",
  disconnectWhileHandlerWorks: "noticed at the answer",
  midBodyFailure: "a failed read",
});
