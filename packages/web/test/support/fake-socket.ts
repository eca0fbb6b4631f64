/**
 * A fake WebSocket for the unit tests of `ReconnectingSocket`: what the class needs of a socket
 * (`url`, `readyState`, the four handlers, `send`, `close`), with the server and the network played
 * by the test: open it, deliver frames, refuse the handshake, close it with a code, drop the link.
 * A close the client asks for only moves the socket to CLOSING; `finishClose()` completes it, as a
 * real closing handshake takes a round trip. Events are the platform's `Event` and `MessageEvent`;
 * close events are `Event`s carrying `code`, `reason` and `wasClean` (Node 20 has no `CloseEvent`).
 */
export type FakeCloseEvent = Event & { code: number; reason: string; wasClean: boolean };

export class FakeSocket {
  readonly url: string;
  readyState = 0;
  /** What the client sent, in order. */
  readonly sent: unknown[] = [];
  /** Each `close(code, reason)` the client called. */
  readonly closeCalls: { code: number | undefined; reason: string | undefined }[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onclose: ((event: FakeCloseEvent) => void) | null = null;

  constructor(url: string) {
    this.url = url;
  }

  /** The query the client connected with. */
  get query(): URLSearchParams {
    return new URL(this.url).searchParams;
  }

  /** True while any handler is attached (a detached socket has none). */
  get attached(): boolean {
    return (
      this.onopen !== null ||
      this.onmessage !== null ||
      this.onerror !== null ||
      this.onclose !== null
    );
  }

  send(data: unknown): void {
    if (this.readyState !== 1) throw new Error('InvalidStateError: the socket is not open');
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState < 2) this.readyState = 2;
  }

  /** The handshake succeeds. */
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  /** The server sends a frame: strings as they are, anything else as JSON. */
  receive(frame: unknown): void {
    const data = typeof frame === 'string' ? frame : JSON.stringify(frame);
    this.onmessage?.(new MessageEvent('message', { data }));
  }

  /** The handshake fails (refused, nothing listening): an error, then close 1006, as browsers say. */
  refuse(): void {
    this.readyState = 3;
    this.onerror?.(new Event('error'));
    this.onclose?.(closeEventOf(1006, '', false));
  }

  /** The server closes the link with this code and reason. */
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.(closeEventOf(code, reason, true));
  }

  /** The link drops without a closing handshake: close 1006. */
  drop(): void {
    this.readyState = 3;
    this.onclose?.(closeEventOf(1006, '', false));
  }

  /** Completes the close the client asked for: the close event carries the client's code. */
  finishClose(): void {
    const last = this.closeCalls.at(-1);
    if (last === undefined) throw new Error('the client never asked to close');
    this.readyState = 3;
    this.onclose?.(closeEventOf(last.code ?? 1005, last.reason ?? '', true));
  }
}

/** Creates the sockets (`create` is the class's `createSocket`) and keeps every one, in order. */
export class FakeSocketFactory {
  readonly sockets: FakeSocket[] = [];

  create = (url: string): FakeSocket => {
    const socket = new FakeSocket(url);
    this.sockets.push(socket);
    return socket;
  };

  /** The newest socket; throws when none was created. */
  get latest(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (socket === undefined) throw new Error('no socket was created');
    return socket;
  }
}

function closeEventOf(code: number, reason: string, wasClean: boolean): FakeCloseEvent {
  return Object.assign(new Event('close'), { code, reason, wasClean });
}
