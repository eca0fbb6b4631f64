import type { StoredEvent } from '../../src/events/event-store.js';
import type { EventTransport, TransportListener } from '../../src/events/event-transport.js';

/**
 * A stand-in for the network between the processes of a cluster, for tests: every process gets
 * an endpoint (`endpoint()`), a cross-process `EventTransport` that hands its own commits to its
 * own listeners at once and to every other endpoint's listeners on a later turn of the event loop,
 * unless `drop` says the message is lost on the way. `deliveries` counts what crossed.
 */
export class LossyClusterNetwork {
  readonly #endpoints = new Set<LossyEndpoint>();
  /** Decides per message whether it is lost; default: none is. */
  drop: (conversationId: string, events: readonly StoredEvent[]) => boolean = () => false;
  /** Holds every message back while true (a network partition); `heal` sends nothing held. */
  partitioned = false;
  deliveries = 0;

  endpoint(): LossyEndpoint {
    const endpoint = new LossyEndpoint(this);
    this.#endpoints.add(endpoint);
    return endpoint;
  }

  send(from: LossyEndpoint, conversationId: string, events: readonly StoredEvent[]): void {
    if (this.partitioned || this.drop(conversationId, events)) return;
    const copies = events.map((event) => structuredClone(event));
    setImmediate(() => {
      for (const endpoint of this.#endpoints) {
        if (endpoint === from) continue;
        this.deliveries++;
        endpoint.deliver(conversationId, copies);
      }
    });
  }

  remove(endpoint: LossyEndpoint): void {
    this.#endpoints.delete(endpoint);
  }
}

export class LossyEndpoint implements EventTransport {
  readonly crossProcess = true;
  readonly #network: LossyClusterNetwork;
  readonly #listeners = new Map<string, Set<TransportListener>>();

  constructor(network: LossyClusterNetwork) {
    this.#network = network;
  }

  publish(conversationId: string, events: readonly StoredEvent[]): void {
    this.deliver(conversationId, events);
    this.#network.send(this, conversationId, events);
  }

  deliver(conversationId: string, events: readonly StoredEvent[]): void {
    for (const listener of [...(this.#listeners.get(conversationId) ?? [])]) {
      listener(conversationId, events);
    }
  }

  listen(conversationId: string, listener: TransportListener): () => void {
    const listeners = this.#listeners.get(conversationId) ?? new Set();
    this.#listeners.set(conversationId, listeners);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#listeners.delete(conversationId);
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#network.remove(this);
  }
}
