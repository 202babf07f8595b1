import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type AwsCredentials, encodePath, parseAuthorization, signature } from '../../../apps/api/src/runtime/aws-sigv4.js';

/** Why S3 refuses a request, as its XML error says it (code, HTTP status, message). */
export interface S3Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

const refuse = (status: number, code: string, message: string): S3Refusal => ({ status, code, message });
const MAX_SKEW_MS = 15 * 60 * 1000;

/** The decoded query as S3 reads it: `+` is not a space, a name without `=` has an empty value. */
export const parseQuery = (search: string): [string, string][] =>
  search
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      const [name, value] = equals < 0 ? [part, ''] : [part.slice(0, equals), part.slice(equals + 1)];
      return [decodeURIComponent(name), decodeURIComponent(value)];
    });

/**
 * Recomputes a request's SigV4 signature from what arrived (path normalised as S3 does: decoded then
 * encoded once) and compares it with the Authorization header's. Null when the request is genuine.
 */
export const verifySignature = (
  request: IncomingMessage,
  credentials: AwsCredentials,
  region: string,
  now = new Date(),
): S3Refusal | null => {
  const header = request.headers.authorization;
  if (!header) return refuse(403, 'AccessDenied', 'Access Denied');
  const parsed = parseAuthorization(header);
  if (!parsed || parsed.service !== 's3') return refuse(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.');
  if (parsed.accessKeyId !== credentials.accessKeyId)
    return refuse(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (parsed.region !== region)
    return refuse(
      400,
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region '${parsed.region}' is wrong; expecting '${region}'`,
    );
  const amzDate = headerValue(request, 'x-amz-date');
  const payloadHash = headerValue(request, 'x-amz-content-sha256');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== parsed.date)
    return refuse(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  if (!payloadHash) return refuse(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256'])
    if (!parsed.signedHeaders.includes(required)) return refuse(403, 'AccessDenied', `Header ${required} must be signed.`);
  const sentAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (Math.abs(now.getTime() - sentAt) > MAX_SKEW_MS)
    return refuse(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');

  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const rawPath = queryStart < 0 ? url : url.slice(0, queryStart);
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = headerValue(request, name);
    if (value === undefined) return refuse(403, 'SignatureDoesNotMatch', `Signed header ${name} is missing from the request.`);
    headers[name] = value;
  }
  const expected = signature(
    {
      method: request.method ?? 'GET',
      path: encodePath(decodeURIComponent(rawPath)),
      query: parseQuery(queryStart < 0 ? '' : url.slice(queryStart + 1)),
      headers,
      payloadHash,
    },
    { region, service: 's3', amzDate },
    credentials.secretAccessKey,
  );
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(parsed.signature)))
    return refuse(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  return null;
};

const headerValue = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};
