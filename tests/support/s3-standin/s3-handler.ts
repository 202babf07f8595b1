import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AwsCredentials } from '../../../apps/api/src/runtime/aws-sigv4.js';
import type { ObjectFolder } from './object-folder.js';
import { parseQuery, verifySignature } from './verify-signature.js';

export type Fault = { readonly status: number; readonly code: string } | { readonly stallMs: number };

export interface StandInState {
  readonly bucket: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  readonly objects: ObjectFolder;
  nextFault(): Fault | undefined;
}

const MAX_KEYS = 1000;
const xmlEscape = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

const sendError = (request: IncomingMessage, response: ServerResponse, status: number, code: string, message: string): void => {
  const body =
    request.method === 'HEAD'
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
        `<Resource>${xmlEscape(request.url ?? '')}</Resource><RequestId>standin</RequestId></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
};

/** One request, routed as S3 does: `/<bucket>/<key>` (path-style) or `<bucket>.<host>/<key>` (virtual-hosted). */
export const handleS3Request = async (request: IncomingMessage, response: ServerResponse, state: StandInState): Promise<void> => {
  const refusal = verifySignature(request, state.credentials, state.region);
  if (refusal) {
    request.resume(); // S3 reads (and drops) the body before refusing
    await new Promise((resolve) => request.once('end', resolve));
    return sendError(request, response, refusal.status, refusal.code, refusal.message);
  }
  const fault = state.nextFault();
  if (fault && 'stallMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.stallMs));
  if (fault && 'status' in fault) {
    request.resume();
    return sendError(request, response, fault.status, fault.code, 'We encountered an internal error. Please try again.');
  }
  if (response.destroyed) return;

  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const segments = decodeURIComponent(queryStart < 0 ? url : url.slice(0, queryStart)).replace(/^\//, '');
  // Virtual-hosted style names the bucket in the host (`<bucket>.localhost`), path-style in the path.
  const virtualHost = (request.headers.host ?? '').split(':')[0]!.startsWith(`${state.bucket}.`);
  const slash = virtualHost ? -1 : segments.indexOf('/');
  const bucket = virtualHost ? state.bucket : slash < 0 ? segments : segments.slice(0, slash);
  const key = virtualHost ? segments : slash < 0 ? '' : segments.slice(slash + 1);
  const query = new Map(parseQuery(queryStart < 0 ? '' : url.slice(queryStart + 1)));
  if (bucket !== state.bucket) return sendError(request, response, 404, 'NoSuchBucket', 'The specified bucket does not exist');

  if (key === '') {
    if (request.method === 'HEAD') return void response.writeHead(200).end();
    if (request.method === 'GET' && query.get('list-type') === '2') return listObjects(response, state, query);
    return sendError(request, response, 501, 'NotImplemented', 'A header you provided implies functionality that is not implemented');
  }
  switch (request.method) {
    case 'PUT':
      return putObject(request, response, state, key);
    case 'GET':
    case 'HEAD': {
      const size = await state.objects.size(key);
      if (size === null) return sendError(request, response, 404, 'NoSuchKey', 'The specified key does not exist.');
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
      if (request.method === 'HEAD') return void response.end();
      return void state.objects.read(key).pipe(response);
    }
    default:
      return sendError(request, response, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }
};

const putObject = async (request: IncomingMessage, response: ServerResponse, state: StandInState, key: string): Promise<void> => {
  const length = Number(request.headers['content-length']);
  if (!Number.isSafeInteger(length)) {
    request.resume();
    return sendError(request, response, 411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  const declared = request.headers['x-amz-content-sha256'];
  const outcome = await state.objects.write(key, request, { sha256: declared === 'UNSIGNED-PAYLOAD' ? null : String(declared), length });
  if (outcome === 'bad-digest')
    return sendError(
      request,
      response,
      400,
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  if (outcome === 'incomplete')
    return sendError(
      request,
      response,
      400,
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    );
  response.writeHead(200, { etag: '"standin"', 'content-length': 0 }).end();
};

/** ListObjectsV2: at most 1,000 keys a page; the continuation token is opaque (here, the last key in base64). */
const listObjects = (response: ServerResponse, state: StandInState, query: Map<string, string>): void => {
  const prefix = query.get('prefix') ?? '';
  const maxKeys = Math.min(MAX_KEYS, Number(query.get('max-keys') ?? MAX_KEYS));
  const token = query.get('continuation-token');
  const after = token === undefined ? undefined : Buffer.from(token, 'base64').toString('utf8');
  const all = state.objects.list(prefix, after);
  const page = all.slice(0, maxKeys);
  const truncated = all.length > page.length;
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>${xmlEscape(state.bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
    `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
    (token === undefined ? '' : `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>`) +
    (truncated
      ? `<NextContinuationToken>${xmlEscape(Buffer.from(page[page.length - 1]!).toString('base64'))}</NextContinuationToken>`
      : '') +
    page.map((key) => `<Contents><Key>${xmlEscape(key)}</Key><StorageClass>STANDARD</StorageClass></Contents>`).join('') +
    `</ListBucketResult>`;
  response.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) }).end(body);
};
