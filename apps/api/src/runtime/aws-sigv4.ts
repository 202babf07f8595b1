import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for S3 requests (header-based auth), written against the S3 documentation
 * ("Signature calculations for the Authorization header"). Shared by the S3 blob store, which signs,
 * and the tests' S3 stand-in, which recomputes the signature of what it received.
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SignableRequest {
  readonly method: string;
  /** The URI path exactly as sent (already percent-encoded, see `encodePath`). */
  readonly path: string;
  /** Query parameters, decoded; `canonicalQuery` encodes and sorts them. */
  readonly query: readonly (readonly [string, string])[];
  /** Headers to sign, `host` included; names in any case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`; also sent as `x-amz-content-sha256`. */
  readonly payloadHash: string;
}

export interface SigningScope {
  readonly region: string;
  readonly service: string;
  /** `YYYYMMDDTHHMMSSZ`, also sent as `x-amz-date`. */
  readonly amzDate: string;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const ALGORITHM = 'AWS4-HMAC-SHA256';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

/** RFC 3986 encoding, as SigV4 wants it: everything but unreserved characters, `/` too. */
export const encodeRfc3986 = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An S3 object path: each segment encoded once (S3 does not double-encode), slashes kept. */
export const encodePath = (path: string): string => path.split('/').map(encodeRfc3986).join('/');

export const toAmzDate = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

export const canonicalQuery = (query: SignableRequest['query']): string =>
  query
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');

const canonicalHeaders = (headers: SignableRequest['headers']): { block: string; signed: string } => {
  const entries = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim().replace(/\s+/g, ' ')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { block: entries.map(([name, value]) => `${name}:${value}\n`).join(''), signed: entries.map(([name]) => name).join(';') };
};

export const canonicalRequest = (request: SignableRequest): string => {
  const { block, signed } = canonicalHeaders(request.headers);
  return [request.method.toUpperCase(), request.path || '/', canonicalQuery(request.query), block, signed, request.payloadHash].join('\n');
};

const credentialScope = (scope: SigningScope): string => `${scope.amzDate.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;

export const stringToSign = (request: SignableRequest, scope: SigningScope): string =>
  [ALGORITHM, scope.amzDate, credentialScope(scope), sha256Hex(canonicalRequest(request))].join('\n');

export const signingKey = (secretAccessKey: string, scope: SigningScope): Buffer =>
  hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, scope.amzDate.slice(0, 8)), scope.region), scope.service), 'aws4_request');

export const signature = (request: SignableRequest, scope: SigningScope, secretAccessKey: string): string =>
  createHmac('sha256', signingKey(secretAccessKey, scope)).update(stringToSign(request, scope), 'utf8').digest('hex');

/** The `Authorization` header value for a request whose signed headers are `request.headers`. */
export const authorization = (request: SignableRequest, scope: SigningScope, credentials: AwsCredentials): string => {
  const { signed } = canonicalHeaders(request.headers);
  const value = signature(request, scope, credentials.secretAccessKey);
  return `${ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope(scope)},SignedHeaders=${signed},Signature=${value}`;
};

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Reads an `Authorization: AWS4-HMAC-SHA256 …` header back (the stand-in's side); null when malformed. */
export const parseAuthorization = (header: string): ParsedAuthorization | null => {
  const match =
    /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request\s*,\s*SignedHeaders=([a-z0-9;-]+)\s*,\s*Signature=([0-9a-f]{64})$/.exec(
      header.trim(),
    );
  if (!match) return null;
  const [, accessKeyId, date, region, service, signed, value] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { accessKeyId, date, region, service, signedHeaders: signed.split(';'), signature: value };
};
