/**
 * The user's terminal of one conversation, as the stock UI's terminal uses it: a `run` action
 * posted over REST to `/api/conversations/:id/events`, its answer (an observation caused by it)
 * read back from the event pages, and its streamed output (streaming deltas caused by it, which the
 * event pages leave out) from a Socket.IO connection with `stream=true`. Every event read and every
 * frame received is kept, for the scenario's checks over the whole run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import { rest } from './rest-client.js';

export type LoggedEvent = Record<string, unknown> & { id: number };

export interface TerminalAnswer {
  readonly action: LoggedEvent;
  /** The observation caused by the action (a `run` or an `error` observation, …). */
  readonly observation: LoggedEvent;
  /** The streamed output, every delta caused by the action in order. */
  readonly streamed: string;
  /** The observation's `extras.metadata.exit_code`, when it has one. */
  readonly exitCode: number | undefined;
  /** The observation's `content`. */
  readonly content: string;
}

const pollIntervalMs = 100;

export class ConversationTerminal {
  readonly baseUrl: string;
  readonly conversationId: string;
  readonly #sessionApiKey: string;
  /** Every event read so far, in id order. */
  readonly events: LoggedEvent[] = [];
  /** Every Socket.IO frame received, as text. */
  readonly frames: string[] = [];
  /** REST calls made. */
  requests = 0;
  #nextId = 0;
  readonly #streamed = new Map<number, string>();
  readonly #socket: Socket;

  private constructor(baseUrl: string, conversationId: string, sessionApiKey: string) {
    this.baseUrl = baseUrl;
    this.conversationId = conversationId;
    this.#sessionApiKey = sessionApiKey;
    this.#socket = io(baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      query: {
        conversation_id: conversationId,
        latest_event_id: '-1',
        session_api_key: sessionApiKey,
        stream: 'true',
      },
      reconnection: false,
      forceNew: true,
    });
    this.#socket.onAny((name: string, ...payload: unknown[]) => {
      this.frames.push(`${name} ${JSON.stringify(payload)}`);
      const event = payload[0] as { cause?: unknown; streaming_delta?: { content?: unknown } };
      if (name !== 'oh_delta' || typeof event?.cause !== 'number') return;
      const text = String(event.streaming_delta?.content ?? '');
      this.#streamed.set(event.cause, (this.#streamed.get(event.cause) ?? '') + text);
    });
    this.#socket.on('disconnect', (reason) => {
      this.disconnects.push(reason);
    });
  }

  /** Why the Socket.IO connection closed, each time it did. */
  readonly disconnects: string[] = [];

  /** The terminal of `conversationId`, once its Socket.IO connection is open. */
  static async open(
    baseUrl: string,
    conversationId: string,
    sessionApiKey: string,
  ): Promise<ConversationTerminal> {
    const terminal = new ConversationTerminal(baseUrl, conversationId, sessionApiKey);
    await new Promise<void>((resolve, reject) => {
      terminal.#socket.once('connect', resolve);
      terminal.#socket.once('connect_error', reject);
    });
    return terminal;
  }

  close(): void {
    this.#socket.disconnect();
  }

  /** Reads the events logged since the last read. */
  async readNew(): Promise<LoggedEvent[]> {
    const found: LoggedEvent[] = [];
    for (;;) {
      const answer = await this.call(
        'GET',
        `/api/conversations/${this.conversationId}/events?start_id=${this.#nextId}&limit=100`,
      );
      if (answer.status !== 200) throw new Error(`reading events: ${answer.status} ${answer.text}`);
      const page = answer.body as { events: LoggedEvent[]; has_more: boolean };
      found.push(...page.events);
      const last = page.events.at(-1);
      if (last !== undefined) this.#nextId = last.id + 1;
      if (!page.has_more) break;
    }
    this.events.push(...found);
    return found;
  }

  /** Posts the user's `run` action and resolves with it as logged. */
  async send(command: string, deadlineMs = 60_000): Promise<LoggedEvent> {
    await this.readNew();
    // The same command may have run before: only an action logged after this post is its own.
    const after = this.#nextId;
    const answer = await this.call('POST', `/api/conversations/${this.conversationId}/events`, {
      action: 'run',
      args: { command },
    });
    if (answer.status !== 200) throw new Error(`run action: ${answer.status} ${answer.text}`);
    return this.#until(deadlineMs, `the run action ${JSON.stringify(command)}`, () =>
      this.events.find(
        (event) =>
          event.id >= after &&
          event['action'] === 'run' &&
          event['source'] === 'user' &&
          (event['args'] as { command?: unknown } | undefined)?.command === command,
      ),
    );
  }

  /** Waits for the observation caused by `action`. */
  async answerTo(action: LoggedEvent, deadlineMs = 60_000): Promise<TerminalAnswer> {
    const observation = await this.#until(deadlineMs, `an answer to event ${action.id}`, () =>
      this.events.find((event) => event['cause'] === action.id && 'observation' in event),
    );
    const metadata = (observation['extras'] as { metadata?: { exit_code?: unknown } } | undefined)
      ?.metadata;
    return {
      action,
      observation,
      streamed: this.streamedFor(action),
      exitCode: typeof metadata?.exit_code === 'number' ? metadata.exit_code : undefined,
      content: String(observation['content'] ?? ''),
    };
  }

  /** Runs `command` and waits for its answer. */
  async run(command: string, deadlineMs = 60_000): Promise<TerminalAnswer> {
    return this.answerTo(await this.send(command, deadlineMs), deadlineMs);
  }

  /** Waits until the output streamed for `action` contains `text`. */
  async untilStreamed(action: LoggedEvent, text: string, deadlineMs = 60_000): Promise<void> {
    await this.#until(deadlineMs, `output ${JSON.stringify(text)}`, () =>
      this.streamedFor(action).includes(text) ? true : undefined,
    );
  }

  /** Waits for an `agent_state_changed` event to `state` logged after `afterId`. */
  async untilState(state: string, afterId: number, deadlineMs = 60_000): Promise<LoggedEvent> {
    return this.#until(deadlineMs, `agent state ${state}`, () =>
      this.events.find(
        (event) =>
          event.id > afterId &&
          event['observation'] === 'agent_state_changed' &&
          (event['extras'] as { agent_state?: unknown } | undefined)?.agent_state === state,
      ),
    );
  }

  /** The latest agent state logged so far. */
  latestState(): string | undefined {
    for (let index = this.events.length - 1; index >= 0; index--) {
      const event = this.events[index];
      if (event?.['observation'] !== 'agent_state_changed') continue;
      return String((event['extras'] as { agent_state?: unknown } | undefined)?.agent_state);
    }
    return undefined;
  }

  /** The output streamed for `action` so far. */
  streamedFor(action: LoggedEvent): string {
    return this.#streamed.get(action.id) ?? '';
  }

  call(method: string, path: string, body?: unknown) {
    this.requests++;
    return rest(this.baseUrl, method, path, body, { sessionApiKey: this.#sessionApiKey });
  }

  async #until<T>(deadlineMs: number, what: string, find: () => T | undefined): Promise<T> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      await this.readNew();
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        throw new Error(`${this.conversationId}: no ${what} within ${deadlineMs} ms`);
      }
      await sleep(pollIntervalMs);
    }
  }
}
