// The replay-storm driver (reliability spec R12): opens many sockets of both faces on one
// conversation at once, each replaying the log from the start, records how each one ended, then
// drops every socket still open abruptly (no close handshake). Reused by the R12 CI test and the
// reliability program.
//
// Both faces are spoken over a minimal WebSocket client that never assembles a message
// (light-websocket-client.ts): Socket.IO as its wire protocol (engine.io v4 over a WebSocket: open,
// `40` connect, `42` events, `44` connect_error, ping/pong), V1 as upstream's raw WebSocket. A full
// client decodes every frame into buffers, strings and objects, which at 2,000 sockets of a 3.9 MB
// replay costs the driver far more CPU than the server: its Socket.IO clients then answer the
// server's pings too late (engine.io closes them after 45 s). Here a big frame is judged by its
// first bytes, its last bytes and its length, and only small frames are parsed.
import { LightWebSocket, type LightMessage } from './light-websocket-client.js';

export type StormFace = 'socket.io' | 'websocket';

/**
 * How one socket ended: `whole` (the event `lastEventId` arrived, so every earlier one did too: ids
 * ascend and a WebSocket message arrives whole or not at all), `refused` (a clear reason: Socket.IO
 * `connect_error`, or an error event and then a server disconnect; V1 close 1013 "try again later"),
 * `cut` (the stream ended without either), `timed out`, or `dropped` (the driver dropped it mid-replay
 * on purpose, see `dropMidReplay`).
 */
export type StormResult = 'whole' | 'refused' | 'cut' | 'timed out' | 'dropped';

export interface StormSocketOutcome {
  face: StormFace;
  /** The socket's number within its face. */
  index: number;
  result: StormResult;
  /** The log ids received, in arrival order. */
  ids: number[];
  /** Bytes of every frame received. */
  bytes: number;
  /** The largest frame received, in bytes. */
  largestFrameBytes: number;
  /** The server's reason, for `refused` (and for a `cut` that carried one). */
  refusal?: { code: string | number; message: string };
  /** What ended a `cut` or `timed out` socket. */
  detail?: string;
}

export interface ReplayStormOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  conversationId: string;
  /** Sent as `session_api_key` on both faces when set. */
  sessionApiKey?: string;
  /** Socket.IO sockets, each connecting with `latest_event_id=-1`. */
  socketIoCount: number;
  /** V1 sockets, each connecting with `resend_all=true`. */
  webSocketCount: number;
  /** The last log id of the replay: a socket that received it got its whole replay. */
  lastEventId: number;
  /** Sockets (of each face) the driver drops right after their first log event (default 0). */
  dropMidReplay?: number;
  /** How long every socket together may take to end (default 120 s); the rest are `timed out`. */
  timeoutMs?: number;
  /** Called as each socket ends (progress). */
  onOutcome?(outcome: StormSocketOutcome): void;
}

/**
 * Opens `socketIoCount + webSocketCount` sockets at once, waits until each one ended (whole replay,
 * refusal, cut or drop) or `timeoutMs` passed, then drops every socket still open without a close
 * handshake. Resolves with one outcome per socket, Socket.IO sockets first.
 */
export async function runReplayStorm(options: ReplayStormOptions): Promise<StormSocketOutcome[]> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const dropMidReplay = options.dropMidReplay ?? 0;
  const sockets: StormSocket[] = [];
  for (let index = 0; index < options.socketIoCount; index++) {
    sockets.push(new SocketIoStormSocket(options, index, index < dropMidReplay));
  }
  for (let index = 0; index < options.webSocketCount; index++) {
    sockets.push(new V1StormSocket(options, index, index < dropMidReplay));
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([Promise.all(sockets.map((socket) => socket.ended)), timedOut]);
  clearTimeout(timer);
  for (const socket of sockets) socket.timeOut();
  for (const socket of sockets) socket.drop();
  return sockets.map((socket) => socket.outcome);
}

/** Counts outcomes by face and result, e.g. `{ 'socket.io whole': 120, 'websocket refused': 3 }`. */
export function summarizeStorm(outcomes: readonly StormSocketOutcome[]): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = `${outcome.face} ${outcome.result}`;
    summary[key] = (summary[key] ?? 0) + 1;
  }
  return summary;
}

abstract class StormSocket {
  readonly outcome: StormSocketOutcome;
  readonly ended: Promise<void>;
  protected readonly socket: LightWebSocket;
  protected readonly options: ReplayStormOptions;
  readonly #dropMidReplay: boolean;
  #end!: () => void;
  #done = false;

  constructor(options: ReplayStormOptions, face: StormFace, index: number, dropMidReplay: boolean) {
    this.options = options;
    this.#dropMidReplay = dropMidReplay;
    this.outcome = { face, index, result: 'timed out', ids: [], bytes: 0, largestFrameBytes: 0 };
    this.ended = new Promise((resolve) => (this.#end = resolve));
    this.socket = new LightWebSocket(this.address(), {
      open: () => this.opened(),
      message: (message) => {
        if (this.#done) return;
        this.outcome.bytes += message.length;
        if (message.length > this.outcome.largestFrameBytes) {
          this.outcome.largestFrameBytes = message.length;
        }
        this.receive(message);
      },
      close: (code, reason) => {
        if (!this.#done) this.closed(code, reason);
      },
      error: (error) => {
        if (!this.#done) this.finish('cut', `socket error: ${error.message}`);
      },
    });
  }

  protected abstract address(): string;
  protected opened(): void {}
  protected abstract receive(message: LightMessage): void;
  protected abstract closed(code: number, reason: string): void;

  /** Records a log id; ends the socket when it is the replay's last (or drops it, if chosen). */
  protected logEvent(id: number): void {
    this.outcome.ids.push(id);
    if (this.#dropMidReplay) {
      this.finish('dropped');
      this.drop();
      return;
    }
    if (id >= this.options.lastEventId) this.finish('whole');
  }

  protected finish(result: StormResult, detail?: string): void {
    if (this.#done) return;
    this.#done = true;
    this.outcome.result = result;
    if (detail !== undefined) this.outcome.detail = detail;
    this.options.onOutcome?.(this.outcome);
    this.#end();
  }

  timeOut(): void {
    this.finish('timed out', `after ${this.outcome.ids.length} events`);
  }

  /** Drops the connection at once: no close frame, no disconnect packet. */
  drop(): void {
    this.socket.terminate();
  }
}

/** The text of a message's head (all of it when the message arrived whole). */
function headText(message: LightMessage): string {
  return message.whole ? message.head.toString('utf8') : message.head.toString('latin1');
}

/** Socket.IO's wire protocol (engine.io v4, WebSocket transport only) on a plain `ws` client. */
class SocketIoStormSocket extends StormSocket {
  #serverError: { code: string; message: string } | undefined;

  constructor(options: ReplayStormOptions, index: number, dropMidReplay: boolean) {
    super(options, 'socket.io', index, dropMidReplay);
  }

  protected address(): string {
    const url = new URL('/socket.io/', this.options.url.replace(/^http/, 'ws'));
    url.searchParams.set('EIO', '4');
    url.searchParams.set('transport', 'websocket');
    url.searchParams.set('conversation_id', this.options.conversationId);
    url.searchParams.set('latest_event_id', '-1');
    if (this.options.sessionApiKey !== undefined) {
      url.searchParams.set('session_api_key', this.options.sessionApiKey);
    }
    return url.toString();
  }

  protected receive(message: LightMessage): void {
    const text = headText(message);
    if (text.startsWith('0')) {
      this.socket.send('40'); // engine.io open: connect to the main namespace
    } else if (text === '2') {
      this.socket.send('3'); // ping → pong
    } else if (text.startsWith('44')) {
      const error = JSON.parse(text.slice(2)) as { message?: string; data?: { code?: string } };
      this.outcome.refusal = {
        code: error.data?.code ?? 'connect_error',
        message: error.message ?? '',
      };
      this.finish('refused');
      this.drop();
    } else if (text.startsWith('41')) {
      this.#disconnected('server disconnect');
    } else if (text.startsWith('42')) {
      this.#event(message, text);
    }
  }

  protected closed(code: number, reason: string): void {
    this.#disconnected(`closed ${code} ${reason}`.trim());
  }

  /** An error event followed by a disconnect is a refusal with a reason; a bare one is a cut. */
  #disconnected(detail: string): void {
    if (this.#serverError !== undefined) {
      this.outcome.refusal = this.#serverError;
      this.finish('refused', detail);
    } else {
      this.finish('cut', detail);
    }
  }

  #event(message: LightMessage, text: string): void {
    if (!message.whole) {
      const match = /^42\["(oh_event|oh_delta)",\{"id":(\d+)[,}]/.exec(text);
      if (match === null || !message.tail.toString('latin1').endsWith('}]')) {
        this.finish('cut', 'an unreadable big event');
        return;
      }
      this.logEvent(Number(match[2]));
      return;
    }
    const [name, payload] = JSON.parse(text.slice(2)) as [string, unknown];
    if (typeof payload !== 'object' || payload === null) return;
    const fields = payload as Record<string, unknown>;
    if (name === 'oh_event' && fields['error'] === true) {
      this.#serverError = { code: String(fields['code']), message: String(fields['message']) };
    } else if (typeof fields['id'] === 'number') {
      this.logEvent(fields['id']);
    }
  }
}

/** The V1 face: `resend_all=true`, frames of log events carry their id as a decimal string. */
class V1StormSocket extends StormSocket {
  constructor(options: ReplayStormOptions, index: number, dropMidReplay: boolean) {
    super(options, 'websocket', index, dropMidReplay);
  }

  protected address(): string {
    const url = new URL(
      `/sockets/events/${encodeURIComponent(this.options.conversationId)}`,
      this.options.url.replace(/^http/, 'ws'),
    );
    url.searchParams.set('resend_all', 'true');
    if (this.options.sessionApiKey !== undefined) {
      url.searchParams.set('session_api_key', this.options.sessionApiKey);
    }
    return url.toString();
  }

  protected receive(message: LightMessage): void {
    const text = headText(message);
    if (!message.whole) {
      const match = /^\{"kind":"[A-Za-z]+","id":"(\d+)"/.exec(text);
      if (match === null || !message.tail.toString('latin1').endsWith('}')) {
        this.finish('cut', 'an unreadable big event');
        return;
      }
      this.logEvent(Number(match[1]));
      return;
    }
    const frame = JSON.parse(text) as Record<string, unknown>;
    const id = frame['id'];
    if (typeof id === 'string' && /^\d+$/.test(id)) this.logEvent(Number(id));
  }

  protected closed(code: number, reason: string): void {
    if (code === 1013) {
      this.outcome.refusal = { code, message: reason };
      this.finish('refused');
      return;
    }
    if (reason !== '') this.outcome.refusal = { code, message: reason };
    this.finish('cut', `closed ${code} ${reason}`.trim());
  }
}
