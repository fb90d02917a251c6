/**
 * Which SDK failures mean "the region did not answer", decided by the error's class
 * name, its `code` and `$metadata`, never by its message text.
 */
import { RegionUnreachableError } from '../contract/errors.js';

/** Node socket error codes that mean the request never reached (or never left) the service. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EPROTO',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Error names the SDK and its HTTP handler give to transport failures. */
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'AbortError', 'NetworkingError']);

/** Gateway-level HTTP statuses a region answers with when it is down rather than refusing the call. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  errno?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

/** The SDK error name (`ParameterNotFound`, `ResourceInUseException`…), or undefined. */
export function errorName(error: unknown): string | undefined {
  const name = (error as SdkErrorShape | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** The HTTP status the service answered with, or undefined when no response came back. */
export function httpStatus(error: unknown): number | undefined {
  return (error as SdkErrorShape | undefined)?.$metadata?.httpStatusCode;
}

/**
 * True when the call failed because the endpoint could not be reached or did not answer
 * in time: connection refused/reset, DNS failure, timeout, or a 502/503/504 without a
 * service error behind it.
 */
export function isUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as SdkErrorShape).cause, depth++) {
    const { name, code } = e as SdkErrorShape;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (typeof name === 'string' && NETWORK_NAMES.has(name)) return true;
  }
  const status = httpStatus(error);
  if (status !== undefined && UNAVAILABLE_STATUSES.has(status)) {
    // The SDK names an unmodelled error after the status (`ServiceUnavailable`, `Unknown`):
    // a service-specific name means the service itself answered.
    const name = errorName(error);
    return name === undefined || name === 'Unknown' || name === 'ServiceUnavailable' || name === 'Error';
  }
  return false;
}

/** Maps a transport failure to `RegionUnreachableError`; anything else is returned unchanged. */
export function toRegionError(error: unknown, region: string, service: string, operation: string): unknown {
  if (error instanceof RegionUnreachableError || !isUnreachable(error)) return error;
  const detail = errorName(error) ?? 'error';
  const code = (error as SdkErrorShape).code;
  const why = typeof code === 'string' && code !== detail ? `${detail} ${code}` : detail;
  return new RegionUnreachableError(
    `${region} did not answer (${service} ${operation}: ${why}); check the network or the region's health`,
    region,
    { cause: error },
  );
}
