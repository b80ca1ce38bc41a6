/**
 * sioscgi: a sans-I/O implementation of SCGI, the Simple Common Gateway Interface.
 *
 * @packageDocumentation
 */

export { SCGIConnection, type SCGIConnectionOptions } from "./connection.js";
export {
  BadContentLengthError,
  BadEventInStateError,
  BadNetstringLengthError,
  BadNetstringTerminatorError,
  BadSCGIVersionError,
  DataAfterEOFError,
  DuplicateResponseHeaderError,
  DuplicateVariableError,
  EmptyVariableNameError,
  EnvironmentNotNulTerminatedError,
  EnvironmentTooLongError,
  ExtraDataError,
  HopByHopHeaderError,
  InvalidHeaderNameError,
  InvalidHeaderValueError,
  InvalidStatusError,
  LocalProtocolError,
  MissingContentLengthError,
  MissingSCGIVariableError,
  NonDocumentHeadersError,
  NotISO88591Error,
  OddStringCountError,
  PrematureEOFError,
  ProtocolError,
  type ProtocolErrorCode,
  RemoteProtocolError,
  StatusHeaderError,
  type SuggestedHTTPStatus,
} from "./errors.js";
export {
  RequestBody,
  RequestEnd,
  type RequestEvent,
  RequestHeaders,
  ResponseBody,
  ResponseEnd,
  type ResponseEvent,
  ResponseHeaders,
} from "./events.js";
export { SCGIReader, type SCGIReaderOptions } from "./request-reader.js";
export { SCGIWriter } from "./response-writer.js";
export { RXState, TXState } from "./states.js";
