import { statfs } from 'node:fs/promises';
import { availableParallelism, freemem, loadavg, totalmem } from 'node:os';
import type { FastifyInstance } from 'fastify';

export interface ServerInfoOptions {
  /** The data directory, whose file system's usage is reported; omitted → `disk: null`. */
  dataDirectory?: string;
  /** A monotonic clock in milliseconds (default `performance.now`). */
  now?: () => number;
}

export interface ServerInfo {
  /** Seconds since the server was built. */
  uptime: number;
  /** Seconds since the last request other than probes (`/alive`, `/health`, `/server_info`, `/metrics`). */
  idle_time: number;
  resources: {
    cpu_count: number;
    /** Process CPU time over wall time since the previous `/server_info` (100 = one core busy). */
    cpu_percent: number;
    /** 1, 5 and 15 minute load averages (zeros on Windows). */
    load_average: number[];
    memory: {
      total: number;
      free: number;
      rss: number;
      heap_total: number;
      heap_used: number;
      /** Process RSS as a percentage of total memory. */
      percent: number;
    };
    disk: { total: number; used: number; free: number; percent: number } | null;
  };
}

const probePaths = new Set(['/alive', '/health', '/server_info', '/metrics']);

/**
 * `GET /server_info`: system statistics in the shape of upstream's runtime `/server_info`
 * (`uptime`, `idle_time`, `resources`), with Node.js's view of the machine and the process.
 */
export function registerServerInfoRoutes(
  server: FastifyInstance,
  options: ServerInfoOptions = {},
): void {
  const now = options.now ?? (() => performance.now());
  const startedAt = now();
  let lastActivityAt = startedAt;
  let cpuSample = { at: startedAt, usage: process.cpuUsage() };

  // A callback hook, not an async one: no promise per request.
  server.addHook('onRequest', (request, _reply, done) => {
    if (!probePaths.has(pathOf(request.url))) lastActivityAt = now();
    done();
  });

  server.get('/server_info', async (): Promise<ServerInfo> => {
    const at = now();
    const usage = process.cpuUsage();
    const cpuMicroseconds =
      usage.user - cpuSample.usage.user + (usage.system - cpuSample.usage.system);
    const wallMilliseconds = at - cpuSample.at;
    cpuSample = { at, usage };
    const memory = process.memoryUsage();
    const total = totalmem();
    return {
      uptime: (at - startedAt) / 1000,
      idle_time: (at - lastActivityAt) / 1000,
      resources: {
        cpu_count: availableParallelism(),
        cpu_percent: wallMilliseconds > 0 ? round(cpuMicroseconds / 10 / wallMilliseconds) : 0,
        load_average: loadavg(),
        memory: {
          total,
          free: freemem(),
          rss: memory.rss,
          heap_total: memory.heapTotal,
          heap_used: memory.heapUsed,
          percent: round((memory.rss / total) * 100),
        },
        disk: await diskUsage(options.dataDirectory),
      },
    };
  });
}

async function diskUsage(directory: string | undefined): Promise<ServerInfo['resources']['disk']> {
  if (directory === undefined) return null;
  try {
    const stats = await statfs(directory);
    const total = stats.blocks * stats.bsize;
    const free = stats.bavail * stats.bsize;
    const used = total - stats.bfree * stats.bsize;
    return { total, used, free, percent: total > 0 ? round((used / total) * 100) : 0 };
  } catch {
    return null;
  }
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
