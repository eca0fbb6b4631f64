import type { Metrics } from '../shared/metrics.js';

/** Counts open realtime sockets of both faces into the `parley_open_sockets` gauge. */
export class ConnectionCount {
  readonly #metrics: Metrics;
  #open = 0;

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  get open(): number {
    return this.#open;
  }

  opened(): void {
    this.#open += 1;
    this.#metrics.setOpenSockets(this.#open);
  }

  closed(): void {
    this.#open -= 1;
    this.#metrics.setOpenSockets(this.#open);
  }
}
