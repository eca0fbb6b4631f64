import type { StoredEvent } from '../events/event-store.js';
import type { EventStream } from '../events/event-stream.js';
import type { Logger } from '../shared/logger.js';
import type { RealtimeFaceName } from '../shared/metrics.js';
import type {
  ConnectionCloseReason,
  LiveBroadcaster,
  RealtimeConnection,
} from './realtime-connection.js';

export interface ConversationHubOptions {
  stream: EventStream;
  broadcasters: ReadonlyMap<RealtimeFaceName, LiveBroadcaster>;
  /** A live connection with more bytes than this waiting to be sent is closed as a slow consumer. */
  outboundBufferBytes: number;
  /** Events a replaying connection may have waiting before it counts as a slow consumer. */
  maxPendingEvents: number;
  heartbeatIntervalMs: number;
  logger: Logger;
  onSlowConsumer(connection: RealtimeConnection): void;
  /** Called once the last connection left; the hub has unsubscribed by then. */
  onEmpty(hub: ConversationHub): void;
}

/**
 * A connection's way through the hub: `replaying` buffers live events in `pending`;
 * `catching-up` waits for the hub's own delivery to reach ids the replay already sent (`skipThrough`)
 * and drops them; `live` gets the face's broadcasts.
 */
type Member =
  | { connection: RealtimeConnection; state: 'replaying'; pending: StoredEvent[] }
  | { connection: RealtimeConnection; state: 'catching-up'; skipThrough: number }
  | { connection: RealtimeConnection; state: 'live' };

type CatchingUp = Extract<Member, { state: 'catching-up' }>;

let nextHubNumber = 0;

/**
 * The live side of one conversation for every client connected to it. It subscribes to the
 * conversation's event stream once and fans each event out: connections still replaying buffer it,
 * live ones get it through their face's broadcaster (encoded once per face). It never waits on a
 * socket: after each event it checks every live connection's buffered bytes and closes those over
 * the cap. One heartbeat timer serves all connections.
 */
export class ConversationHub {
  readonly conversationId: string;
  readonly #options: ConversationHubOptions;
  readonly #callbackId = `realtime-hub-${++nextHubNumber}`;
  readonly #members = new Map<string, Member>();
  /** Connections over the cap whose second look is scheduled. */
  readonly #suspects = new Set<RealtimeConnection>();
  readonly #heartbeatTimer: NodeJS.Timeout;
  #latestEventId = -1;
  /** The highest id this hub's subscription has delivered (or will never deliver). */
  #deliveredId = -1;
  /**
   * Resolves once the hub is subscribed to the stream. A replay reads the log only after it, so
   * what it reads reaches at least the id the subscription starts after.
   */
  readonly ready: Promise<void>;
  #subscribed = false;
  #closed = false;

  constructor(options: ConversationHubOptions) {
    this.conversationId = options.stream.conversationId;
    this.#options = options;
    if (options.stream.isEstablished) {
      this.#subscribe();
      this.ready = Promise.resolve();
    } else {
      // Across processes the stream first reads the log's head; it is held until then.
      const release = options.stream.hold();
      this.ready = options.stream.established.then(() => {
        if (!this.#closed) this.#subscribe();
        release();
      });
    }
    this.#heartbeatTimer = setInterval(() => this.#heartbeat(), options.heartbeatIntervalMs);
    this.#heartbeatTimer.unref();
  }

  #subscribe(): void {
    const { stream } = this.#options;
    stream.subscribe('server', this.#callbackId, (event) => this.#deliver(event));
    this.#subscribed = true;
    // Ids published before the subscription never reach this hub; later ones all do, in order.
    this.#deliveredId = stream.lastPublishedId;
    this.noteEventId(this.#deliveredId);
  }

  /** The highest id this hub has seen, from the stream or from a replay. */
  get latestEventId(): number {
    return this.#latestEventId;
  }

  get connectionCount(): number {
    return this.#members.size;
  }

  /**
   * Adds a connection that is about to replay: from now on live events are buffered for it. Call
   * this before reading the backlog, so nothing committed after the read started can be missed.
   */
  register(connection: RealtimeConnection): void {
    if (this.#closed) throw new Error('conversation hub is closed');
    this.#members.set(connection.id, { connection, state: 'replaying', pending: [] });
  }

  /** Records an id read from the log, so heartbeats never report less than a replay sent. */
  noteEventId(id: number): void {
    if (id > this.#latestEventId) this.#latestEventId = id;
  }

  /**
   * Ends a connection's replay: sends the buffered events after `lastReadId` (those up to it were in
   * the backlog) and switches the connection to live, all synchronously, so no event can fall
   * between the drain and the switch. If the replay read ids this hub has not delivered yet (they
   * were committed, but the subscription's queue has not handed them over), the connection
   * catches up first: those ids are dropped for it as they arrive, and it goes live after the last
   * or once the stream has settled, whichever comes first.
   */
  goLive(connection: RealtimeConnection, lastReadId: number): void {
    const member = this.#members.get(connection.id);
    if (member?.state !== 'replaying' || connection.closed) return;
    for (const event of member.pending) {
      if (event.id > lastReadId) connection.sendLive(event);
    }
    if (lastReadId > this.#deliveredId) {
      const catchingUp: CatchingUp = { connection, state: 'catching-up', skipThrough: lastReadId };
      this.#members.set(connection.id, catchingUp);
      this.#options.stream.settled().then(
        () => this.#caughtUp(catchingUp),
        () => undefined,
      );
      return;
    }
    this.#makeLive(connection);
  }

  /** Forgets a connection (it disconnected or was closed); the last one out releases the hub. */
  remove(connection: RealtimeConnection): void {
    if (!this.#members.delete(connection.id)) return;
    if (this.#members.size === 0) this.#release();
  }

  /** Closes a connection as a slow consumer (logged and counted) and forgets it. */
  closeSlowConsumer(connection: RealtimeConnection): void {
    if (connection.closed) return;
    this.#options.logger.warn(
      { connectionId: connection.id, face: connection.face },
      'closing a slow consumer',
    );
    this.#options.onSlowConsumer(connection);
    connection.close('slow consumer');
    this.remove(connection);
  }

  /** Resolves once the subscription has handed over every event published so far. */
  delivered(): Promise<void> {
    return this.#options.stream.idle();
  }

  /** Closes every connection with `reason` and releases the hub. */
  close(reason: ConnectionCloseReason): void {
    for (const { connection } of [...this.#members.values()]) connection.close(reason);
    this.#members.clear();
    this.#release();
  }

  #deliver(event: StoredEvent): void {
    this.noteEventId(event.id);
    this.#deliveredId = event.id;
    const liveByFace = new Map<RealtimeFaceName, RealtimeConnection[]>();
    const caughtUp: RealtimeConnection[] = [];
    for (const member of [...this.#members.values()]) {
      const { connection } = member;
      if (connection.closed) {
        this.remove(connection);
        continue;
      }
      if (member.state === 'replaying') {
        member.pending.push(event);
        if (member.pending.length > this.#options.maxPendingEvents)
          this.closeSlowConsumer(connection);
        continue;
      }
      if (member.state === 'catching-up') {
        if (event.id < member.skipThrough) continue;
        if (event.id === member.skipThrough) {
          // Already sent by the replay: join the broadcasts only after this one.
          caughtUp.push(connection);
          continue;
        }
        this.#makeLive(connection);
      }
      const live = liveByFace.get(connection.face);
      if (live === undefined) liveByFace.set(connection.face, [connection]);
      else live.push(connection);
    }
    for (const [face, live] of liveByFace) {
      this.#options.broadcasters.get(face)?.broadcast(this.conversationId, event, live);
      for (const connection of live) this.#checkBuffered(connection);
    }
    for (const connection of caughtUp) this.#makeLive(connection);
  }

  /**
   * The stream has settled after a replay read up to `skipThrough`: every id up to it that would
   * ever reach this hub has, so one still awaited was published before the hub's stream existed
   * (a stream released while the conversation was idle and opened again). The connection goes
   * live now instead of at the next event, and so gets heartbeats meanwhile.
   */
  #caughtUp(member: CatchingUp): void {
    if (member.skipThrough > this.#deliveredId) this.#deliveredId = member.skipThrough;
    if (this.#members.get(member.connection.id) !== member || member.connection.closed) return;
    this.#makeLive(member.connection);
  }

  #makeLive(connection: RealtimeConnection): void {
    this.#members.set(connection.id, { connection, state: 'live' });
    connection.enterLive();
    this.#checkBuffered(connection);
  }

  #heartbeat(): void {
    const liveByFace = new Map<RealtimeFaceName, RealtimeConnection[]>();
    for (const { connection, state } of this.#members.values()) {
      if (state !== 'live' || connection.closed) continue;
      const live = liveByFace.get(connection.face) ?? [];
      live.push(connection);
      liveByFace.set(connection.face, live);
    }
    for (const [face, live] of liveByFace) {
      this.#options.broadcasters
        .get(face)
        ?.heartbeat(this.conversationId, this.#latestEventId, live);
    }
  }

  /**
   * Over the cap right after a write is not yet slow: a burst written in one turn of the event loop
   * sits in the buffers until the kernel takes it. So the verdict waits for the next turn (one
   * pending check per connection), when a reading client's buffer has drained into the kernel and
   * a stalled one's has not.
   */
  #checkBuffered(connection: RealtimeConnection): void {
    if (connection.bufferedBytes() <= this.#options.outboundBufferBytes) return;
    if (this.#suspects.has(connection)) return;
    this.#suspects.add(connection);
    setImmediate(() => {
      this.#suspects.delete(connection);
      if (connection.closed || !this.#members.has(connection.id)) return;
      if (connection.bufferedBytes() > this.#options.outboundBufferBytes)
        this.closeSlowConsumer(connection);
    });
  }

  #release(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeatTimer);
    try {
      if (this.#subscribed) this.#options.stream.unsubscribe('server', this.#callbackId);
    } catch {
      // The stream was closed (conversation deleted or shutdown); nothing is left to undo.
    }
    this.#options.onEmpty(this);
  }

  get closed(): boolean {
    return this.#closed;
  }
}
