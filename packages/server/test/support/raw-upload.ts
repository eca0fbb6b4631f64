/**
 * Uploads for the body-limit tests: an ordinary client (`http.request`, one fresh connection per
 * upload) that sends its whole body and then reads the answer, and a stubborn one over raw TCP
 * that keeps sending after the server answered and half-closed, to see where the server cuts it.
 */
import { request } from 'node:http';
import { connect } from 'node:net';

export interface UploadAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * POSTs `body` to `url` with `http.request` on a fresh connection, with a Content-Length or
 * chunked (64 KiB chunks); rejects when the connection fails before the whole answer was read.
 */
export function uploadWithHttpRequest(
  url: string,
  body: Buffer,
  options: { chunked: boolean },
): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          ...(options.chunked
            ? { 'transfer-encoding': 'chunked' }
            : { 'content-length': String(body.length) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    if (options.chunked) {
      for (let start = 0; start < body.length; start += 64 * 1024) {
        outgoing.write(body.subarray(start, start + 64 * 1024));
      }
      outgoing.end();
    } else {
      outgoing.end(body);
    }
  });
}

export interface StubbornUploadResult {
  /** Everything the server sent: status line, headers and body. */
  answer: string;
  /** Body bytes (without chunk framing) this side handed to its kernel before the end. */
  bodyBytesWritten: number;
  /** Whether the whole body was written (a server that cuts never lets this happen). */
  finished: boolean;
  /** Whether this side closed the connection: it does only once it finished, or on `signal`. */
  closedByClient: boolean;
}

/**
 * Sends a body of `bodyBytes` (announced by Content-Length, or chunked) in `pieceBytes` pieces,
 * each once the previous one was taken; after `bodyBytesBeforeStall` it stops sending but keeps
 * the connection open. Whatever the server answers it goes on: half-open, so the server's FIN
 * does not stop it. Resolves once the connection is closed: by the server, or by this side once
 * it finished or `signal` aborted.
 */
export function stubbornUpload(options: {
  port: number;
  path: string;
  bodyBytes: number;
  framing: 'content-length' | 'chunked';
  pieceBytes?: number;
  bodyBytesBeforeStall?: number;
  signal?: AbortSignal;
}): Promise<StubbornUploadResult> {
  const piece = Buffer.alloc(options.pieceBytes ?? 64 * 1024, 0x61);
  const stallAt = options.bodyBytesBeforeStall ?? options.bodyBytes;
  const chunked = options.framing === 'chunked';
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: options.port, allowHalfOpen: true });
    const received: Buffer[] = [];
    let bodyBytesWritten = 0;
    let closedByClient = false;
    options.signal?.addEventListener('abort', () => {
      closedByClient = true;
      socket.destroy();
    });
    socket.on('data', (data: Buffer) => received.push(data));
    // The server's reset surfaces as EPIPE/ECONNRESET here; the close that follows resolves.
    socket.on('error', () => undefined);
    socket.on('close', () =>
      resolve({
        answer: Buffer.concat(received).toString('utf8'),
        bodyBytesWritten,
        finished: bodyBytesWritten >= options.bodyBytes,
        closedByClient,
      }),
    );
    const sendNext = (): void => {
      if (socket.destroyed || bodyBytesWritten >= stallAt) return;
      const next = piece.subarray(0, Math.min(piece.length, stallAt - bodyBytesWritten));
      const framed = chunked
        ? Buffer.concat([Buffer.from(`${next.length.toString(16)}\r\n`), next, Buffer.from('\r\n')])
        : next;
      socket.write(framed, (error) => {
        if (error !== undefined && error !== null) return;
        bodyBytesWritten += next.length;
        if (bodyBytesWritten >= options.bodyBytes) {
          closedByClient = true;
          if (chunked) socket.end('0\r\n\r\n');
          else socket.end();
          return;
        }
        setImmediate(sendNext);
      });
    };
    socket.once('connect', () => {
      const framing = chunked
        ? 'Transfer-Encoding: chunked'
        : `Content-Length: ${options.bodyBytes}`;
      socket.write(
        `POST ${options.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Content-Type: application/json\r\n${framing}\r\n\r\n`,
      );
      sendNext();
    });
  });
}

/** The status and parsed JSON body of a raw HTTP/1.1 answer (Content-Length framed). */
export function parseRawAnswer(answer: string): {
  status: number;
  headers: string;
  body: unknown;
} {
  const headerEnd = answer.indexOf('\r\n\r\n');
  const head = headerEnd < 0 ? answer : answer.slice(0, headerEnd);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  let body: unknown;
  try {
    body = headerEnd < 0 ? undefined : JSON.parse(answer.slice(headerEnd + 4));
  } catch {
    body = undefined;
  }
  return { status, headers: head.toLowerCase(), body };
}
