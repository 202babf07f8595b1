import {
  EMPTY_SHA256,
  type SignableRequest,
  authorization,
  canonicalRequest,
  encodePath,
  parseAuthorization,
  stringToSign,
  toAmzDate,
} from './aws-sigv4.js';

/**
 * The four worked examples of the S3 documentation, "Signature Calculations for the Authorization
 * Header: Transferring Payload in a Single Chunk" (AWS Signature Version 4): same credentials, same
 * date, and the canonical request, string to sign and signature the documentation prints.
 */
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const scope = { region: 'us-east-1', service: 's3', amzDate: '20130524T000000Z' };
const host = 'examplebucket.s3.amazonaws.com';
const credential = 'Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request';

const signed = (payloadHash: string, headers: Record<string, string>) => ({
  host,
  'x-amz-content-sha256': payloadHash,
  'x-amz-date': scope.amzDate,
  ...headers,
});

describe('AWS Signature Version 4, on the S3 documentation’s examples', () => {
  it('signs GET Object with a Range header', () => {
    const request: SignableRequest = {
      method: 'GET',
      path: '/test.txt',
      query: [],
      headers: signed(EMPTY_SHA256, { Range: 'bytes=0-9' }),
      payloadHash: EMPTY_SHA256,
    };
    expect(canonicalRequest(request)).toBe(
      [
        'GET',
        '/test.txt',
        '',
        `host:${host}`,
        'range:bytes=0-9',
        `x-amz-content-sha256:${EMPTY_SHA256}`,
        'x-amz-date:20130524T000000Z',
        '',
        'host;range;x-amz-content-sha256;x-amz-date',
        EMPTY_SHA256,
      ].join('\n'),
    );
    expect(stringToSign(request, scope)).toBe(
      'AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
    );
    expect(authorization(request, scope, credentials)).toBe(
      `AWS4-HMAC-SHA256 ${credential},SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,` +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('signs PUT Object, encoding the $ of the key once', () => {
    const payloadHash = '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072';
    const request: SignableRequest = {
      method: 'PUT',
      path: encodePath('/test$file.text'),
      query: [],
      headers: signed(payloadHash, { Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' }),
      payloadHash,
    };
    expect(request.path).toBe('/test%24file.text');
    expect(stringToSign(request, scope).split('\n')[3]).toBe('9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d');
    expect(authorization(request, scope, credentials)).toBe(
      `AWS4-HMAC-SHA256 ${credential},SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,` +
        'Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    );
  });

  it('signs GET Bucket Lifecycle, a query parameter without a value', () => {
    const request: SignableRequest = {
      method: 'GET',
      path: '/',
      query: [['lifecycle', '']],
      headers: signed(EMPTY_SHA256, {}),
      payloadHash: EMPTY_SHA256,
    };
    expect(canonicalRequest(request).split('\n')[2]).toBe('lifecycle=');
    expect(stringToSign(request, scope).split('\n')[3]).toBe('9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca');
    expect(authorization(request, scope, credentials)).toMatch(
      /Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543$/,
    );
  });

  it('signs GET Bucket (List Objects), sorting the query parameters', () => {
    const request: SignableRequest = {
      method: 'GET',
      path: '/',
      query: [
        ['prefix', 'J'],
        ['max-keys', '2'],
      ],
      headers: signed(EMPTY_SHA256, {}),
      payloadHash: EMPTY_SHA256,
    };
    expect(canonicalRequest(request).split('\n')[2]).toBe('max-keys=2&prefix=J');
    expect(stringToSign(request, scope).split('\n')[3]).toBe('df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7');
    expect(authorization(request, scope, credentials)).toMatch(
      /Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7$/,
    );
  });
});

describe('the pieces around the signature', () => {
  it('encodes query values strictly: a continuation token’s / + = are escaped', () => {
    const request: SignableRequest = {
      method: 'GET',
      path: '/bucket',
      query: [
        ['continuation-token', '1a/b+c=='],
        ['list-type', '2'],
      ],
      headers: { host: 'localhost' },
      payloadHash: EMPTY_SHA256,
    };
    expect(canonicalRequest(request).split('\n')[2]).toBe('continuation-token=1a%2Fb%2Bc%3D%3D&list-type=2');
  });

  it('writes the x-amz-date of an instant', () => {
    expect(toAmzDate(new Date('2013-05-24T00:00:00.000Z'))).toBe('20130524T000000Z');
  });

  it('reads an Authorization header back, and refuses a malformed one', () => {
    const request: SignableRequest = {
      method: 'HEAD',
      path: '/b',
      query: [],
      headers: signed(EMPTY_SHA256, {}),
      payloadHash: EMPTY_SHA256,
    };
    const parsed = parseAuthorization(authorization(request, scope, credentials));
    expect(parsed).toMatchObject({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', date: '20130524', region: 'us-east-1', service: 's3' });
    expect(parsed?.signedHeaders).toEqual(['host', 'x-amz-content-sha256', 'x-amz-date']);
    expect(parseAuthorization('AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=')).toBeNull();
  });
});
