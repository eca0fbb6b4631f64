import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface WebClientOptions {
  /** The built web client (`packages/web/dist`); it must hold an `index.html` to be served. */
  directory: string;
}

/** Paths the server answers itself: never a file of the build, never `index.html`. */
const serverPrefixes = ['/api', '/socket.io', '/sockets', '/metrics', '/docs'];
const serverPaths = ['/openapi.json'];

export function isServerPath(pathname: string): boolean {
  if (serverPaths.includes(pathname)) return true;
  return serverPrefixes.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** Build assets: served when they exist, a 404 (not `index.html`) when they do not. */
function isAssetPath(pathname: string): boolean {
  return pathname === '/assets' || pathname.startsWith('/assets/');
}

/**
 * Serves the built web client at `/`: its files as they are, and `index.html` for any other GET
 * that asks for HTML outside the server's own paths, so client-side routes survive a reload. Does
 * nothing (and returns false) when there is no build. Unknown paths otherwise fall through to the
 * not-found handler, so `/api/…` keeps its JSON 404.
 */
export function registerWebClientRoutes(
  server: FastifyInstance,
  options: WebClientOptions,
): boolean {
  const root = resolve(options.directory);
  if (!existsSync(resolve(root, 'index.html'))) return false;
  // `serve: false`: only `reply.sendFile`; the route below decides what each path gets.
  // Cache-Control comes from the cache-control middleware, not from the file server.
  void server.register(fastifyStatic, { root, serve: false, cacheControl: false });

  server.get('/*', async (request, reply) => {
    const pathname = request.url.split('?', 1)[0] as string;
    if (isServerPath(pathname)) return notFound(reply);
    if (pathname === '/') return reply.sendFile('index.html');
    const file = await fileInside(root, pathname);
    if (file !== undefined) return reply.sendFile(file);
    if (!isAssetPath(pathname) && acceptsHtml(request)) return reply.sendFile('index.html');
    return notFound(reply);
  });
  return true;
}

/** The path of an existing regular file under `root` named by a URL path, relative to `root`. */
async function fileInside(root: string, pathname: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const absolute = resolve(root, `.${decoded}`);
  if (!absolute.startsWith(root + sep)) return undefined;
  try {
    if (!(await stat(absolute)).isFile()) return undefined;
  } catch {
    return undefined;
  }
  return absolute
    .slice(root.length + 1)
    .split(sep)
    .join('/');
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

function notFound(reply: FastifyReply): FastifyReply {
  reply.callNotFound();
  return reply;
}
