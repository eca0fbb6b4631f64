/**
 * Sockets that send what a scenario wants (any payload, raw packets, oversized or invalid frames)
 * and record everything that comes back: every frame as text, the error frames, and how the
 * connection ended. For the attack scenarios (R5 malformed input, R6 auth, R7 flood); the
 * well-behaved clients are `ResumingClient`s.
 */
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { Condition } from '../support/realtime-clients.js';

export interface ProbeTarget {
  readonly baseUrl: string;
  readonly conversationId: string;
  readonly sessionApiKey?: string;
  /** Extra query parameters (`latest_event_id`, `resend_all` …). */
  readonly query?: Readonly<Record<string, string>>;
}

/** What came back on one probe connection. */
abstract class Probe {
  readonly frames: string[] = [];
  readonly errorFrames: string[] = [];
  readonly changes = new Condition();
  /** Why the connection ended (disconnect reason, close code and reason, connect_error). */
  ended: string | undefined;
  opened = false;

  protected record(text: string, isError: boolean): void {
    this.frames.push(text);
    if (isError) this.errorFrames.push(text);
    this.changes.notify();
  }

  protected end(reason: string): void {
    this.ended ??= reason;
    this.changes.notify();
  }

  /** Resolves once some received frame contains `text`. */
  untilText(text: string): Promise<void> {
    let checked = 0;
    return this.changes.until(() => {
      for (; checked < this.frames.length; checked++) {
        if (this.frames[checked]?.includes(text) === true) return true;
      }
      return false;
    });
  }

  untilEnded(): Promise<void> {
    return this.changes.until(() => this.ended !== undefined);
  }

  untilErrors(count: number): Promise<void> {
    return this.changes.until(() => this.errorFrames.length >= count);
  }

  /** Resolves true once open, false once refused or closed first. */
  untilOpenOrEnded(): Promise<boolean> {
    return this.changes
      .until(() => this.opened || this.ended !== undefined)
      .then(() => this.opened);
  }
}

/** A Socket.IO client of the V0 face (websocket transport). */
export class SocketIoProbe extends Probe {
  readonly socket: Socket;

  constructor(target: ProbeTarget) {
    super();
    const query: Record<string, string> = {
      conversation_id: target.conversationId,
      ...target.query,
    };
    if (target.sessionApiKey !== undefined) query['session_api_key'] = target.sessionApiKey;
    this.socket = io(target.baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      query,
      reconnection: false,
      forceNew: true,
    });
    this.socket.on('connect', () => {
      this.opened = true;
      this.changes.notify();
    });
    this.socket.onAny((name: string, payload: unknown) => {
      const isError =
        name === 'oh_event' &&
        typeof payload === 'object' &&
        payload !== null &&
        (payload as { error?: unknown }).error === true;
      this.record(`${name} ${JSON.stringify(payload)}`, isError);
    });
    this.socket.on('connect_error', (error) => {
      this.end(`connect_error: ${error.message}`);
      this.socket.close();
    });
    this.socket.on('disconnect', (reason) => this.end(`disconnect: ${reason}`));
  }

  /** Sends `payload` as an `oh_user_action`. */
  send(payload: unknown): void {
    this.socket.emit('oh_user_action', payload);
  }

  /** Writes one Socket.IO packet as raw text (an event is `2["name",payload]`). */
  sendRawPacket(packet: string): void {
    (this.socket.io.engine as unknown as { write(data: string): void }).write(packet);
  }

  close(): void {
    this.socket.close();
  }
}

/** A raw WebSocket client of the V1 face. */
export class V1Probe extends Probe {
  readonly socket: WebSocket;
  closeCode: number | undefined;

  constructor(target: ProbeTarget) {
    super();
    const url = new URL(
      `/sockets/events/${encodeURIComponent(target.conversationId)}`,
      target.baseUrl,
    );
    url.protocol = 'ws:';
    for (const [name, value] of Object.entries(target.query ?? {})) {
      url.searchParams.set(name, value);
    }
    if (target.sessionApiKey !== undefined) {
      url.searchParams.set('session_api_key', target.sessionApiKey);
    }
    this.socket = new WebSocket(url);
    this.socket.on('open', () => {
      this.opened = true;
      this.changes.notify();
    });
    this.socket.on('message', (data) => {
      const text = String(data);
      this.record(text, text.startsWith('{"kind":"Error"'));
    });
    this.socket.on('close', (code, reason) => {
      this.closeCode = code;
      this.end(`close ${code} ${reason.toString()}`);
    });
    this.socket.on('error', (error) => this.end(`error: ${error.message}`));
  }

  /** Sends a text frame; a Buffer goes out as text too unless `binary`. */
  send(data: string | Buffer, options: { binary?: boolean; fin?: boolean } = {}): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(data, { binary: options.binary ?? false, fin: options.fin ?? true });
  }

  close(): void {
    this.socket.terminate();
  }
}
