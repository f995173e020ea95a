// Serves the built web app: files under dist/web, and index.html for the app's own paths (the
// router lives in the browser). Paths are resolved inside the root, never outside it.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { MiddlewareHandler } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function webApp(root: string): MiddlewareHandler {
  const base = normalize(root + sep);
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    if (path.startsWith('/api/') || path === '/metrics' || path === '/healthz') return next();
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) return next();
    let isFile = false;
    try {
      isFile = (await stat(file)).isFile();
    } catch {
      isFile = false;
    }
    // Other paths are the app's own routes (a user page ends in `.com`); only a missing asset is a 404.
    if (!isFile) {
      if (path.startsWith('/assets/')) return next();
      file = join(base, 'index.html');
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return c.text('The web app is not built: run `npm run build`.', 503);
    }
    c.header('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    // Vite names assets by content hash: cache them for good; index.html never.
    c.header(
      'Cache-Control',
      file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    return c.body(new Uint8Array(body));
  };
}
