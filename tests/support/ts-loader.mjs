import { readFile } from 'node:fs/promises';
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
 *    compiler options of the root tsconfig.json (decorators and their metadata included) as ESM;
 *    no type checking: `npm run typecheck` does that;
 *  - resolve the `#domain`, `#event-store`, … subpath imports through the "types" condition of
 *    package.json "imports", which points at the sources rather than at dist/;
 *  - map a relative `./x.js` import to `./x.ts` when no `./x.js` file exists (nodenext style).
 * Importing this file registers the hooks; the registered copy is told apart by its `?hooks` query.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const isHooksCopy = new URL(import.meta.url).searchParams.has('hooks');

if (!isHooksCopy) register(`${import.meta.url}${import.meta.url.includes('?') ? '&' : '?'}hooks`);

const TS_EXTENSION = /\.(m?ts)$/;
/** @param {string} url */
const isOwnSource = (url) => url.startsWith('file:') && !url.includes('/node_modules/');
/** @param {string} url */
const isTypeScript = (url) => isOwnSource(url) && TS_EXTENSION.test(new URL(url).pathname) && !/\.d\.m?ts$/.test(new URL(url).pathname);

/** @type {{ ts: typeof import('typescript'), options: import('typescript').CompilerOptions } | null} */
let compiler = null;

/** Loaded on the first .ts file only, so that a process without TypeScript does not pay for it. */
const getCompiler = () => {
  if (compiler) return compiler;
  /** @type {typeof import('typescript')} */
  const ts = createRequire(import.meta.url)('typescript');
  const configPath = path.join(ROOT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(`ts-loader: cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
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
    const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:');
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
  const { ts, options } = getCompiler();
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: options, fileName, reportDiagnostics: false });
  return { format: 'module', source: outputText, shortCircuit: true };
}
