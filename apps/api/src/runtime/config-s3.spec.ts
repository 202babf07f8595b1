import { loadConfig } from './config.js';

describe('S3_* configuration', () => {
  const names = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_PREFIX', 'S3_FORCE_PATH_STYLE'];
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  const withEnv = (values: Record<string, string>) => {
    for (const name of names) delete process.env[name];
    Object.assign(process.env, values);
    return loadConfig();
  };
  const complete = {
    S3_ENDPOINT: 'http://minio:9000',
    S3_BUCKET: 'korrigo',
    S3_ACCESS_KEY_ID: 'korrigo',
    S3_SECRET_ACCESS_KEY: 'un-secret-long',
  };
  afterAll(() => {
    for (const name of names) if (saved[name] === undefined) delete process.env[name];
    for (const name of names) if (saved[name] !== undefined) process.env[name] = saved[name];
  });

  it('keeps blobs in the data folder when nothing is set', () => {
    expect(withEnv({}).s3).toBeNull();
  });

  it('reads a complete bucket, with us-east-1, no prefix and path-style by default', () => {
    expect(withEnv(complete).s3).toEqual({
      endpoint: 'http://minio:9000',
      bucket: 'korrigo',
      region: 'us-east-1',
      accessKeyId: 'korrigo',
      secretAccessKey: 'un-secret-long',
      prefix: '',
      forcePathStyle: true,
    });
    expect(withEnv({ ...complete, S3_REGION: 'fr-par', S3_PREFIX: 'lycee/', S3_FORCE_PATH_STYLE: 'false' }).s3).toMatchObject({
      region: 'fr-par',
      prefix: 'lycee/',
      forcePathStyle: false,
    });
  });

  it('refuses a half-configured bucket, naming what is missing', () => {
    const { S3_SECRET_ACCESS_KEY: _, ...noSecret } = complete;
    expect(() => withEnv(noSecret)).toThrow(
      'S3 storage needs S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY; missing: S3_SECRET_ACCESS_KEY',
    );
    expect(() => withEnv({ S3_PREFIX: 'lycee/' })).toThrow('S3_PREFIX set without S3_ENDPOINT');
  });

  it('refuses an endpoint that is not a URL and a path style that is not a boolean', () => {
    expect(() => withEnv({ ...complete, S3_ENDPOINT: 'minio:9000' })).toThrow(/S3_ENDPOINT must be an http:\/\/ or https:\/\/ URL/);
    expect(() => withEnv({ ...complete, S3_FORCE_PATH_STYLE: 'yes' })).toThrow(/S3_FORCE_PATH_STYLE must be true or false/);
  });
});
