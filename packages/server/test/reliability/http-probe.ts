/**
 * Raw HTTP requests for the scenarios that need more than `fetch` gives: any bytes as the body
 * (invalid UTF-8), a declared Content-Length the body never reaches, repeated headers, and a
 * chosen source address (127.0.0.2 is another client IP to the per-IP rate limiter).
 */
import { request, type Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface ProbeRequest {
  readonly method: string;
  /** Path and query, sent exactly as given (no normalisation of `..` or `%2e`). */
  readonly path: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  /**
   * Sends this Content-Length but only the body's bytes, then waits for the answer (a server
   * must refuse an over-long declaration without reading it).
   */
  readonly declaredLength?: number;
  /** Source address of the connection, for example `127.0.0.2`. */
  readonly localAddress?: string;
  readonly agent?: Agent;
  /** Gives up (rejecting) after this many ms; default 30 s. */
  readonly timeoutMs?: number;
}

export interface ProbeAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The parsed JSON body, or undefined when it was not JSON. */
  readonly json: unknown;
}

export function httpProbe(baseUrl: string, probe: ProbeRequest): Promise<ProbeAnswer> {
  const url = new URL(baseUrl);
  const body = probe.body === undefined ? undefined : Buffer.from(probe.body);
  const headers: OutgoingHttpHeaders = { ...probe.headers };
  if (body !== undefined || probe.declaredLength !== undefined) {
    headers['content-length'] = String(probe.declaredLength ?? body?.length ?? 0);
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: probe.method,
        path: probe.path,
        headers,
        ...(probe.localAddress === undefined ? {} : { localAddress: probe.localAddress }),
        ...(probe.agent === undefined ? {} : { agent: probe.agent }),
        timeout: probe.timeoutMs ?? 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
          // A refused over-long body is never finished by this side: drop the connection.
          if (probe.declaredLength !== undefined) outgoing.destroy();
        });
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`${probe.method} ${probe.path}: timeout`)),
    );
    outgoing.on('error', reject);
    if (body !== undefined) outgoing.write(body);
    if (probe.declaredLength === undefined) outgoing.end();
  });
}

/** Whether an answer is what a refusal must be: a 4xx status with a JSON object body. */
export function isCleanRefusal(answer: ProbeAnswer): boolean {
  return (
    answer.status >= 400 &&
    answer.status < 500 &&
    typeof answer.json === 'object' &&
    answer.json !== null &&
    String(answer.headers['content-type']).includes('application/json')
  );
}
