/**
 * Clients that watch a conversation the way OpenHands clients do, recording every session into
 * the history: each (re)connection resumes from the highest id the client has, over Socket.IO
 * (`latest_event_id`) or the V1 WebSocket (`resend_all` / `after_id`).
 */
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { Condition } from '../support/realtime-clients.js';
import { lastReceivedId, type ClientStream, type Face, type StreamSession } from './history.js';

export interface ConnectOptions {
  readonly baseUrl: string;
  readonly sessionApiKey?: string;
}

/** Why the last session ended, as the client saw it. */
export interface SessionEnd {
  readonly reason: string;
  /** V1 close code, when the face has one. */
  readonly code?: number;
}

export class ResumingClient {
  readonly stream: ClientStream;
  readonly changes = new Condition();
  #options: ConnectOptions;
  #socketIo: Socket | undefined;
  #webSocket: WebSocket | undefined;
  lastEnd: SessionEnd | undefined;
  connectError: string | undefined;

  constructor(stream: ClientStream, options: ConnectOptions) {
    this.stream = stream;
    this.#options = options;
  }

  /** Points later sessions at another server (a restarted one listens on a new port). */
  setBaseUrl(baseUrl: string): void {
    this.#options = { ...this.#options, baseUrl };
  }

  get face(): Face {
    return this.stream.face;
  }

  get lastId(): number {
    return lastReceivedId(this.stream);
  }

  /** The V1 session's socket, for scenarios that stop reading from it. */
  get webSocketForTest(): WebSocket | undefined {
    return this.#webSocket;
  }

  get connected(): boolean {
    return this.#socketIo !== undefined || this.#webSocket !== undefined;
  }

  /**
   * Opens a new session from the highest id received so far (or, for a client's first session,
   * from `startAfter`: a client joining at the log's end); resolves once it is open.
   */
  async connect(startAfter?: number): Promise<void> {
    this.disconnect();
    const cursor =
      this.stream.sessions.length === 0 && startAfter !== undefined ? startAfter : this.lastId;
    const session: StreamSession = { cursor, ids: [], contents: new Map() };
    this.stream.sessions.push(session);
    this.lastEnd = undefined;
    this.connectError = undefined;
    if (this.face === 'socket.io') await this.#connectSocketIo(session);
    else await this.#connectWebSocket(session);
  }

  #connectSocketIo(session: StreamSession): Promise<void> {
    const query: Record<string, string> = {
      conversation_id: this.stream.conversationId,
      latest_event_id: String(session.cursor),
    };
    if (this.stream.wantsDeltas) query['stream'] = 'true';
    if (this.#options.sessionApiKey !== undefined) {
      query['session_api_key'] = this.#options.sessionApiKey;
    }
    const socket = io(this.#options.baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      query,
      reconnection: false,
      forceNew: true,
    });
    this.#socketIo = socket;
    const record = (payload: Record<string, unknown>) => {
      if (typeof payload['id'] !== 'number') return;
      session.ids.push(payload['id']);
      session.contents.set(payload['id'], v0Content(payload));
      this.changes.notify();
    };
    socket.on('oh_event', record);
    socket.on('oh_delta', record);
    socket.on('disconnect', (reason) => {
      if (this.#socketIo === socket) this.#socketIo = undefined;
      this.lastEnd = { reason };
      this.changes.notify();
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => {
        if (this.#socketIo === socket) this.#socketIo = undefined;
        this.connectError = error.message;
        this.lastEnd = { reason: `connect_error: ${error.message}` };
        socket.close();
        this.changes.notify();
        reject(error);
      });
    });
  }

  #connectWebSocket(session: StreamSession): Promise<void> {
    const url = new URL(
      `/sockets/events/${encodeURIComponent(this.stream.conversationId)}`,
      this.#options.baseUrl,
    );
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (session.cursor < 0) url.searchParams.set('resend_all', 'true');
    else url.searchParams.set('after_id', String(session.cursor));
    if (this.stream.wantsDeltas) url.searchParams.set('stream', 'true');
    if (this.#options.sessionApiKey !== undefined) {
      url.searchParams.set('session_api_key', this.#options.sessionApiKey);
    }
    const socket = new WebSocket(url);
    this.#webSocket = socket;
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      const id = frame['id'];
      if (typeof id !== 'string' || !/^\d+$/.test(id)) return;
      session.ids.push(Number(id));
      session.contents.set(Number(id), v1Content(frame));
      this.changes.notify();
    });
    socket.on('close', (code, reason) => {
      if (this.#webSocket === socket) this.#webSocket = undefined;
      this.lastEnd = { reason: reason.toString(), code };
      this.changes.notify();
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', (error) => {
        if (this.#webSocket === socket) this.#webSocket = undefined;
        this.connectError = error.message;
        this.changes.notify();
        reject(error);
      });
    });
  }

  /** Closes the session abruptly from the client's side (no goodbye for the V1 face). */
  disconnect(): void {
    const socketIo = this.#socketIo;
    const webSocket = this.#webSocket;
    this.#socketIo = undefined;
    this.#webSocket = undefined;
    socketIo?.disconnect();
    webSocket?.terminate();
  }

  /** Resolves once the client has received `id` or anything after it. */
  untilId(id: number): Promise<void> {
    return this.changes.until(() => this.lastId >= id);
  }

  untilEnded(): Promise<void> {
    return this.changes.until(() => this.lastEnd !== undefined);
  }
}

function v0Content(payload: Record<string, unknown>): string | undefined {
  if (payload['action'] === 'message') {
    const args = payload['args'] as { content?: unknown } | undefined;
    return typeof args?.content === 'string' ? args.content : undefined;
  }
  const delta = payload['streaming_delta'] as { content?: unknown } | undefined;
  return typeof delta?.content === 'string' ? delta.content : undefined;
}

function v1Content(frame: Record<string, unknown>): string | undefined {
  if (frame['kind'] === 'StreamingDeltaEvent') {
    return typeof frame['content'] === 'string' ? frame['content'] : undefined;
  }
  // A V1 MessageEvent also stands for an agent's finish; only user/assistant text is compared
  // through the V0 face, where the log's message content is sent as it is.
  return undefined;
}
