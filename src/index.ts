/**
 * sioscgi: a sans-I/O implementation of SCGI, the Simple Common Gateway Interface.
 *
 * @packageDocumentation
 */

export { SCGIClientConnection, type SCGIClientConnectionOptions } from "./client-connection.js";
export { SCGIConnection, type SCGIConnectionOptions } from "./connection.js";
export type { EnvironmentInit, EnvironmentValue } from "./environment.js";
export {
  BadContentLengthError,
  BadEventInStateError,
  BadNetstringLengthError,
  BadNetstringTerminatorError,
  BadResponseContentLengthError,
  BadResponseHeaderError,
  BadResponseStatusError,
  BadSCGIVersionError,
  BodyLengthMismatchError,
  DataAfterEOFError,
  DuplicateRequestVariableError,
  DuplicateResponseHeaderError,
  DuplicateVariableError,
  EmptyVariableNameError,
  EnvironmentNotNulTerminatedError,
  EnvironmentTooLongError,
  ExtraDataError,
  ExtraResponseDataError,
  HopByHopHeaderError,
  IncompleteResponseError,
  InvalidContentLengthError,
  InvalidHeaderNameError,
  InvalidHeaderValueError,
  InvalidSCGIVersionError,
  InvalidStatusError,
  InvalidVariableNameError,
  InvalidVariableValueError,
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
  ResponseHeadersTooLongError,
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
export { type DecodedResponse, decodeResponse, encodeRequest } from "./one-shot.js";
export { SCGIReader, type SCGIReaderOptions } from "./request-reader.js";
export { SCGIClientWriter } from "./request-writer.js";
export { SCGIClientReader, type SCGIClientReaderOptions } from "./response-reader.js";
export { SCGIWriter } from "./response-writer.js";
export { RXState, TXState } from "./states.js";
