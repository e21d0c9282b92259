import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE_SOURCE = join(PROJECT_ROOT, 'console');
export const CONSOLE_BUILD_DIR = join(PROJECT_ROOT, '.build', 'console');

export interface ConsoleFile {
  /** Path under the console's root, e.g. `index.html`, `assets/app-3F2A….js`. */
  path: string;
  contentType: string;
  body: Buffer;
  /** Fingerprinted assets are cached for a year; the HTML is revalidated on every load. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/**
 * Bundles the console (console/src, preact + htm + oauth4webapi) with esbuild: one minified ES
 * module and one stylesheet, both named by their content hash, and the HTML shell that loads them
 * (no inline script or style, so the CSP needs no hash and no 'unsafe-inline'). The shell is also
 * written as `callback` (no extension; a host must serve it as text/html): the OIDC redirect lands
 * on `/console/callback`. `config.json` is the deployment's, not the build's.
 */
export async function buildConsole(): Promise<ConsoleFile[]> {
  const result = await build({
    entryPoints: { app: join(CONSOLE_SOURCE, 'src', 'main.ts'), styles: join(CONSOLE_SOURCE, 'styles.css') },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    write: false,
    outdir: 'out',
    entryNames: '[name]-[hash]',
    // OpenID Connect (oauth4webapi) in a chunk of its own: a signed-in load never parses it.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    legalComments: 'none',
    tsconfig: join(CONSOLE_SOURCE, 'tsconfig.json'),
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    metafile: true,
  });
  const files: ConsoleFile[] = result.outputFiles.map((output) => {
    const name = output.path.slice(output.path.lastIndexOf('/') + 1);
    return {
      path: `assets/${name}`,
      contentType: TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream',
      body: Buffer.from(output.contents),
      immutable: true,
    };
  });
  const script = files.find((file) => /\/app-[^/]+\.js$/.test(file.path))?.path;
  const style = files.find((file) => file.path.endsWith('.css'))?.path;
  if (!script || !style) throw new Error('The console build produced no script or stylesheet.');
  // Chunks the app imports statically are fetched with it, not after it (one round trip, not two).
  const appOutput = Object.entries(result.metafile.outputs).find(([path]) =>
    path.endsWith(script.slice('assets'.length)),
  );
  const preloads = (appOutput?.[1].imports ?? [])
    .filter((imported) => imported.kind === 'import-statement')
    .map(
      (imported) =>
        `<link rel="modulepreload" href="assets/${imported.path.slice(imported.path.lastIndexOf('/') + 1)}" />`,
    )
    .join('\n    ');
  const shell = readFileSync(join(CONSOLE_SOURCE, 'index.html'), 'utf8')
    .replace('{{icon}}', faviconDataUrl())
    .replace('{{script}}', script)
    .replace('{{style}}', style)
    .replace('{{modulepreload}}', preloads);
  files.push(
    { path: 'index.html', contentType: TYPES['.html'] as string, body: Buffer.from(shell), immutable: false },
    // The OIDC redirect, `<console>/callback`: the same page under the name a static host (S3 key
    // `console/callback`, served as HTML) answers that address with. Its relative URLs resolve
    // against the console's root, as index.html's do.
    { path: 'callback', contentType: TYPES['.html'] as string, body: Buffer.from(shell), immutable: false },
  );
  return files;
}

/**
 * The console's icon, inside the shell as a `data:` URL (the CSP's `img-src data:`): a page that
 * names no icon makes the browser ask for `/favicon.ico` at the origin's root, which neither host
 * has (the local API server answers 404, CloudFront's bucket 403), on every load.
 */
export function faviconDataUrl(): string {
  const svg = readFileSync(join(CONSOLE_SOURCE, 'favicon.svg'), 'utf8').trim();
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** What a first load transfers: the HTML shell, the script and the stylesheet, each gzipped. */
export function firstLoadGzipBytes(files: ConsoleFile[]): number {
  return files
    .filter((file) => file.path === 'index.html' || file.path.startsWith('assets/'))
    .reduce((sum, file) => sum + gzipSync(file.body, { level: 9 }).length, 0);
}

export function writeConsole(files: ConsoleFile[], directory = CONSOLE_BUILD_DIR): void {
  rmSync(directory, { recursive: true, force: true });
  for (const file of files) {
    const target = join(directory, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.body);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = await buildConsole();
  writeConsole(files);
  console.log(
    `console → ${CONSOLE_BUILD_DIR}: ${files.map((file) => `${file.path} ${file.body.length} B`).join(', ')}; ` +
      `first load ${firstLoadGzipBytes(files)} B gzipped`,
  );
}
