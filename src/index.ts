/**
 * sioscgi: a sans-I/O implementation of SCGI, the Simple Common Gateway Interface.
 *
 * @module sioscgi
 */

export { SCGIClientConnection, type SCGIClientConnectionOptions } from "./client/connection.js";
export { type DecodedResponse, decodeResponse, encodeRequest } from "./client/one-shot.js";
export { SCGIClientWriter } from "./client/request-writer.js";
export { SCGIClientReader, type SCGIClientReaderOptions } from "./client/response-reader.js";
export type { EnvironmentInit, EnvironmentValue } from "./core/environment.js";
export {
  BadChunkedBodyError,
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
  InvalidResponseContentLengthError,
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
  TooManyVariablesError,
} from "./core/errors.js";
export {
  RequestBody,
  RequestEnd,
  type RequestEvent,
  RequestHeaders,
  ResponseBody,
  ResponseEnd,
  type ResponseEvent,
  ResponseHeaders,
} from "./core/events.js";
export { RXState, TXState } from "./core/states.js";
export { SCGIConnection, type SCGIConnectionOptions } from "./server/connection.js";
export { encodeResponse } from "./server/one-shot.js";
export { SCGIReader, type SCGIReaderOptions } from "./server/request-reader.js";
export { SCGIWriter } from "./server/response-writer.js";
