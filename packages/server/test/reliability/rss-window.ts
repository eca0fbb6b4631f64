/** The peak resident memory of a server over one phase of a scenario, sampled every few ms. */
import type { ServerProcess } from './server-process.js';

export class RssWindow {
  readonly #server: ServerProcess;
  readonly #timer: NodeJS.Timeout;
  #peak = 0;

  constructor(server: ServerProcess, intervalMs = 10) {
    this.#server = server;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), intervalMs);
  }

  #sample(): void {
    this.#peak = Math.max(this.#peak, this.#server.rssBytes());
  }

  /** Stops sampling; returns the peak seen (bytes). */
  stop(): number {
    this.#sample();
    clearInterval(this.#timer);
    return this.#peak;
  }
}
