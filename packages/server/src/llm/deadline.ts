/**
 * A resettable deadline that costs one timestamp per `extend` call: the timer is not re-armed on
 * every chunk; when it fires early (the deadline moved), it sleeps again for the remainder.
 */
export class Deadline {
  readonly #onExpire: () => void;
  #deadline = Infinity;
  #timer: NodeJS.Timeout | undefined;
  #timerFiresAt = Infinity;

  constructor(onExpire: () => void) {
    this.#onExpire = onExpire;
  }

  /** Expire `milliseconds` from now (`Infinity`: never), replacing any earlier setting. */
  extend(milliseconds: number): void {
    if (milliseconds === Infinity) {
      this.clear();
      return;
    }
    this.#deadline = performance.now() + milliseconds;
    if (this.#timer !== undefined && this.#timerFiresAt <= this.#deadline) return;
    this.#schedule(milliseconds);
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#deadline = Infinity;
    this.#timerFiresAt = Infinity;
  }

  #schedule(milliseconds: number): void {
    clearTimeout(this.#timer);
    this.#timerFiresAt = performance.now() + milliseconds;
    this.#timer = setTimeout(this.#fire, Math.max(0, Math.ceil(milliseconds)));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#timerFiresAt = Infinity;
    const remaining = this.#deadline - performance.now();
    if (remaining <= 0) {
      this.#deadline = Infinity;
      this.#onExpire();
    } else this.#schedule(remaining);
  };
}
