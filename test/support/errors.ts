/** One instance of every leaf error class, for the tests of the error tree and of the README. */

import * as sioscgi from "../../src/index.js";
import { latin1 } from "./scgi.js";

/** One instance of every leaf class the package exports, built with sample arguments. */
export const LEAVES: sioscgi.ProtocolError[] = [
  new sioscgi.BadNetstringLengthError(0x41, 0),
  new sioscgi.EnvironmentTooLongError(70000, 65536),
  new sioscgi.BadNetstringTerminatorError(0x40),
  new sioscgi.EnvironmentNotNulTerminatedError(0x41),
  new sioscgi.OddStringCountError("NAME"),
  new sioscgi.EmptyVariableNameError(),
  new sioscgi.DuplicateVariableError("HTTP_COOKIE"),
  new sioscgi.MissingSCGIVariableError(),
  new sioscgi.BadSCGIVersionError(latin1("2")),
  new sioscgi.MissingContentLengthError(),
  new sioscgi.BadContentLengthError(latin1("-1")),
  new sioscgi.PrematureEOFError(sioscgi.RXState.BODY),
  new sioscgi.ExtraDataError(),
  new sioscgi.DataAfterEOFError(1),
  new sioscgi.HopByHopHeaderError("Connection"),
  new sioscgi.NotISO88591Error("status", "Ω"),
  new sioscgi.NonDocumentHeadersError("no location"),
  new sioscgi.BadEventInStateError("ResponseEnd", sioscgi.TXState.HEADERS),
  new sioscgi.InvalidStatusError("OK"),
  new sioscgi.InvalidHeaderNameError("X Y"),
  new sioscgi.InvalidHeaderValueError("X", "a\r\nb"),
  new sioscgi.StatusHeaderError(),
  new sioscgi.DuplicateResponseHeaderError("Location"),
  new sioscgi.BadResponseStatusError("Status header", "999"),
  new sioscgi.BadResponseHeaderError(latin1("no colon"), "no colon"),
  new sioscgi.BadResponseContentLengthError("-1"),
  new sioscgi.ResponseHeadersTooLongError(65536),
  new sioscgi.IncompleteResponseError("nothing"),
  new sioscgi.ExtraResponseDataError(5),
  new sioscgi.InvalidVariableNameError(""),
  new sioscgi.InvalidVariableValueError("X", latin1("a\x00b")),
  new sioscgi.DuplicateRequestVariableError("HTTP_HOST"),
  new sioscgi.InvalidContentLengthError(undefined),
  new sioscgi.InvalidSCGIVersionError(latin1("2")),
  new sioscgi.BodyLengthMismatchError(3, 2, false),
];
