/** The public surface: exactly the names DESIGN.md promises, and nothing internal. */

import { expect, it } from "vitest";
import * as sioscgi from "../src/index.js";

it("exports the documented runtime names and no others", () => {
  expect(Object.keys(sioscgi).sort()).toEqual(
    [
      "SCGIConnection",
      "SCGIReader",
      "SCGIWriter",
      "RXState",
      "TXState",
      "RequestHeaders",
      "RequestBody",
      "RequestEnd",
      "ResponseHeaders",
      "ResponseBody",
      "ResponseEnd",
      "ProtocolError",
      "LocalProtocolError",
      "RemoteProtocolError",
      "BadNetstringLengthError",
      "EnvironmentTooLongError",
      "BadNetstringTerminatorError",
      "EnvironmentNotNulTerminatedError",
      "OddStringCountError",
      "EmptyVariableNameError",
      "DuplicateVariableError",
      "MissingSCGIVariableError",
      "BadSCGIVersionError",
      "MissingContentLengthError",
      "BadContentLengthError",
      "PrematureEOFError",
      "ExtraDataError",
      "DataAfterEOFError",
      "HopByHopHeaderError",
      "NotISO88591Error",
      "NonDocumentHeadersError",
      "BadEventInStateError",
      "InvalidStatusError",
      "InvalidHeaderNameError",
      "InvalidHeaderValueError",
      "StatusHeaderError",
      "DuplicateResponseHeaderError",
    ].sort(),
  );
});
