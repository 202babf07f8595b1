import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Runs the repository's TypeScript sources in a plain Node process, without a build, for tests
 * that need a real child process (crash tests, CLI and server start):
 *
 *   node --import ./tests/support/ts-loader.mjs path/to/entry.ts
 *
 * Loader hooks (node:module `register`) that
 *  - transpile each .ts/.mts file outside node_modules with `typescript.transpileModule`, using the
 *    compiler options of the root tsconfig.json (decorators and their metadata included) as ESM,
 *    with inline source maps (add --enable-source-maps for .ts stack traces); no type checking:
 *    `npm run typecheck` does that;
 *  - resolve the `#domain`, `#event-store`, … subpath imports through the "types" condition of
 *    package.json "imports", which points at the sources rather than at dist/;
 *  - map a relative `./x.js` import to `./x.ts` when no `./x.js` file exists (nodenext style).
 * Output is cached in node_modules/.cache/ts-loader under a hash of the source, its path, the
 * tsconfig and the TypeScript version, so a process whose files are all cached never loads
 * TypeScript (a restart costs ~0.3 s instead of ~1 s). Set TS_LOADER_CACHE=off to disable it.
 * Importing this file registers the hooks; the registered copy is told apart by its `?hooks` query.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const isHooksCopy = new URL(import.meta.url).searchParams.has('hooks');

if (!isHooksCopy) register(`${import.meta.url}${import.meta.url.includes('?') ? '&' : '?'}hooks`);

/** @param {string} url */
const isOwnSource = (url) => url.startsWith('file:') && !url.includes('/node_modules/');
/** @param {string} url */
const isTypeScript = (url) => {
  if (!isOwnSource(url)) return false;
  const { pathname } = new URL(url);
  return /\.m?ts$/.test(pathname) && !/\.d\.m?ts$/.test(pathname);
};

const CONFIG_PATH = path.join(ROOT, 'tsconfig.json');
const CACHE_DIR = process.env.TS_LOADER_CACHE === 'off' ? null : path.join(ROOT, 'node_modules', '.cache', 'ts-loader');

/** What the output depends on besides the file itself; read lazily, once. */
let cacheSalt = '';
const getCacheSalt = () => {
  if (cacheSalt) return cacheSalt;
  const require = createRequire(import.meta.url);
  const tsVersion = /** @type {{ version: string }} */ (JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8')))
    .version;
  const loader = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  cacheSalt = createHash('sha256')
    .update(`${tsVersion}\0${readFileSync(CONFIG_PATH, 'utf8')}\0${loader}`)
    .digest('hex');
  return cacheSalt;
};

/** @type {{ ts: typeof import('typescript'), options: import('typescript').CompilerOptions } | null} */
let compiler = null;

/** Loaded on the first file missing from the cache only. */
const getCompiler = () => {
  if (compiler) return compiler;
  /** @type {typeof import('typescript')} */
  const ts = createRequire(import.meta.url)('typescript');
  const { config, error } = ts.readConfigFile(CONFIG_PATH, ts.sys.readFile);
  if (error) throw new Error(`ts-loader: cannot read ${CONFIG_PATH}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions ?? {}, ROOT);
  // Output stays beside its source (no outDir/rootDir), so the inline source maps point at the .ts file.
  const { outDir: _outDir, rootDir: _rootDir, sourceRoot: _sourceRoot, ...kept } = options;
  compiler = {
    ts,
    options: {
      ...kept,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: true,
      declaration: false,
      noEmit: false,
    },
  };
  return compiler;
};

/**
 * @param {string} fileName
 * @param {string} source
 */
const transpile = async (fileName, source) => {
  const cached =
    CACHE_DIR && path.join(CACHE_DIR, `${createHash('sha256').update(`${getCacheSalt()}\0${fileName}\0${source}`).digest('hex')}.js`);
  if (cached) {
    const hit = await readFile(cached, 'utf8').catch(() => null);
    if (hit !== null) return hit;
  }
  const { ts, options } = getCompiler();
  const { outputText } = ts.transpileModule(source, { compilerOptions: options, fileName, reportDiagnostics: false });
  if (cached && CACHE_DIR) {
    // Written aside then renamed: processes starting together never read a half-written file.
    const temporary = `${cached}.${process.pid}.${Date.now()}.tmp`;
    await mkdir(CACHE_DIR, { recursive: true })
      .then(() => writeFile(temporary, outputText))
      .then(() => rename(temporary, cached))
      .catch(() => undefined);
  }
  return outputText;
};

/**
 * @param {string} specifier
 * @param {{ conditions: string[], parentURL?: string }} context
 * @param {Function} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (specifier.startsWith('#') && parent && isOwnSource(parent)) {
    return nextResolve(specifier, { ...context, conditions: ['types', ...context.conditions] });
  }
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative =
      specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:');
    const code = /** @type {{ code?: string }} */ (error).code;
    if (!relative || !parent || !isOwnSource(parent) || code !== 'ERR_MODULE_NOT_FOUND' || !/\.m?js$/.test(specifier)) throw error;
    return nextResolve(specifier.replace(/\.(m?)js$/, '.$1ts'), context);
  }
}

/**
 * @param {string} url
 * @param {{ format?: string }} context
 * @param {Function} nextLoad
 */
export async function load(url, context, nextLoad) {
  if (!isTypeScript(url)) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const source = await transpile(fileName, await readFile(fileName, 'utf8'));
  return { format: 'module', source, shortCircuit: true };
}
