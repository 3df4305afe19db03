// Serves the built dashboard (dist/renderer) at / and /assets/*, without auth: the files hold no
// data, the API behind them needs the admin key. Every response carries a strict CSP (S34),
// nosniff and no-referrer. Only files inside the bundle folder with a known extension are
// served: no directory listing, no path traversal, no symlinks out, no guessing of types.
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';

export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** One path segment: letters, digits, `-`, `_`, `.`; never `.` or `..` alone. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export interface DashboardRouteOptions {
  /** The folder holding index.html and assets/ (vite's outDir). */
  dir: string;
}

export function registerDashboardRoutes(app: FastifyInstance, options: DashboardRouteOptions): void {
  const root = options.dir;

  app.get('/', async (_request, reply) => {
    const file = await readBundleFile(root, ['index.html']);
    if (file === undefined) {
      throw new GatewayError('service_unavailable', 'The dashboard is not built. Run "npm run build" (or "npm run build:renderer") and reload.');
    }
    return send(reply, file, '.html', 'no-cache');
  });

  app.get('/assets/*', async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    const segments = rest.split('/');
    const extension = extname(rest).toLowerCase();
    if (!segments.every((s) => SEGMENT.test(s)) || !Object.hasOwn(CONTENT_TYPES, extension)) throw notFound(rest);
    const file = await readBundleFile(root, ['assets', ...segments]);
    if (file === undefined) throw notFound(rest);
    // Vite names assets by content hash: a changed file gets a new name.
    return send(reply, file, extension, 'public, max-age=31536000, immutable');
  });
}

function send(reply: FastifyReply, body: Buffer, extension: string, cacheControl: string): FastifyReply {
  return reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('cache-control', cacheControl)
    .type(CONTENT_TYPES[extension]!)
    .send(body);
}

/** The file's bytes, or undefined when it is missing or resolves outside the bundle folder. */
async function readBundleFile(root: string, segments: readonly string[]): Promise<Buffer | undefined> {
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(realRoot, ...segments));
    if (!real.startsWith(realRoot + sep)) return undefined;
    return await readFile(real);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
}

function notFound(path: string): GatewayError {
  return new GatewayError('route_not_found', `No dashboard file ${JSON.stringify(path.slice(0, 200))}`);
}
