/** The one table of exception codes: OGC code -> HTTP status (OWS Common 2.0 table 28, WMS 1.3.0 annex A, WFS 2.0 table 3, OGC API). */
export const EXCEPTION_CODES = {
  // OWS Common 2.0
  OperationNotSupported: { status: 501, description: 'The request is not supported by this server.' },
  MissingParameterValue: { status: 400, description: 'A required parameter is missing or empty.' },
  InvalidParameterValue: { status: 400, description: 'A parameter has a value that cannot be used.' },
  VersionNegotiationFailed: { status: 400, description: 'None of the requested versions is supported.' },
  InvalidUpdateSequence: { status: 400, description: 'UPDATESEQUENCE is greater than the current value.' },
  OptionNotSupported: { status: 501, description: 'A requested option is not implemented by this server.' },
  NoApplicableCode: { status: 500, description: 'An error that no other code describes; usually internal.' },
  // WMS 1.1.1 / 1.3.0
  InvalidFormat: { status: 400, description: 'FORMAT or INFO_FORMAT is not one the server offers.' },
  InvalidCRS: { status: 400, description: 'CRS (WMS 1.3.0) is not offered for the layers asked.' },
  InvalidSRS: { status: 400, description: 'SRS (WMS 1.1.1) is not offered for the layers asked.' },
  LayerNotDefined: { status: 400, description: 'A layer asked for does not exist or is not readable.' },
  StyleNotDefined: { status: 400, description: 'A style asked for is not defined for its layer.' },
  LayerNotQueryable: { status: 400, description: 'GetFeatureInfo was asked of a layer that is not queryable.' },
  InvalidPoint: { status: 400, description: 'I/J (X/Y) lies outside the map.' },
  CurrentUpdateSequence: { status: 400, description: 'UPDATESEQUENCE equals the current value.' },
  MissingDimensionValue: { status: 400, description: 'A dimension value is required and was not given.' },
  InvalidDimensionValue: { status: 400, description: 'A dimension value is not valid.' },
  // WFS 2.0
  OperationParsingFailed: { status: 400, description: 'The request (KVP or XML body) could not be parsed.' },
  OperationProcessingFailed: { status: 500, description: 'The request was valid but failed while it was processed.' },
  CannotLockAllFeatures: { status: 400, description: 'Not all features could be locked.' },
  InvalidLockId: { status: 400, description: 'The lock identifier is unknown.' },
  LockHasExpired: { status: 403, description: 'The lock has expired.' },
  InvalidValue: { status: 400, description: 'A value in a transaction is not valid for its property.' },
  // WCS 2.0 / WMTS 1.0
  NoSuchCoverage: { status: 404, description: 'The coverage asked for does not exist.' },
  InvalidSubsetting: { status: 404, description: 'The subset lies outside the coverage.' },
  TileOutOfRange: { status: 400, description: 'The tile row or column is outside the tile matrix.' },
  // Security and HTTP-level codes (QGIS Server uses "Security"; OGC API uses HTTP semantics)
  Security: { status: 403, description: 'Access to the resource is forbidden.' },
  NotFound: { status: 404, description: 'The resource or URL path does not exist.' },
  MethodNotAllowed: { status: 405, description: 'The HTTP method is not allowed for this resource.' },
  NotAcceptable: { status: 406, description: 'No representation matches the Accept header or f parameter.' },
  Conflict: { status: 409, description: 'The change conflicts with the resource as it is (an id that is taken).' },
  PreconditionFailed: { status: 412, description: 'An If-Match precondition does not hold.' },
  PayloadTooLarge: { status: 413, description: 'The request body is larger than the configured limit.' },
  UnsupportedMediaType: { status: 415, description: 'The request body is in a media type this resource does not take.' },
  InternalServerError: { status: 500, description: 'An unexpected error; details are in the server log only.' },
} as const satisfies Record<string, { status: number; description: string }>;

/** An exception code known to the server. */
export type ExceptionCode = keyof typeof EXCEPTION_CODES;

/** HTTP status for a code (500 for codes outside the table). */
export function statusForCode(code: string): number {
  return (EXCEPTION_CODES as Record<string, { status: number }>)[code]?.status ?? 500;
}
