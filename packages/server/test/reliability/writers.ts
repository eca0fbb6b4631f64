/** Writers that post user messages at a steady pace, each one recorded in the history. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScenarioEnvironment } from './environment.js';
import { postMessage } from './rest-client.js';

export interface RunningWriters {
  /** Stops posting; resolves when every writer's last request has an answer. */
  stop(): Promise<void>;
  /** Points the writers at another server (after a restart). */
  setBaseUrl(baseUrl: string): void;
}

/**
 * One writer per conversation posts a message with a fresh token, waits `pauseMs` (a random
 * pause up to that), and goes on until stopped. A write whose answer never came ends that writer
 * (the server is gone); `setBaseUrl` and `restart` bring it back.
 */
export function startWriters(
  environment: ScenarioEnvironment,
  conversationIds: readonly string[],
  options: { baseUrl: string; pauseMs: number; prefix: string; sessionApiKey?: string },
): RunningWriters {
  let baseUrl = options.baseUrl;
  let writing = true;
  const writers = conversationIds.map(async (conversationId, index) => {
    while (writing) {
      const token = environment.history.token(`${options.prefix}${index}`);
      const target = baseUrl;
      const operation = await environment.history.record(
        `${options.prefix}writer-${index}`,
        conversationId,
        token,
        () =>
          postMessage(target, conversationId, `please answer ${token}`, {
            ...(options.sessionApiKey === undefined
              ? {}
              : { sessionApiKey: options.sessionApiKey }),
          }),
      );
      if (operation.result === 'unknown') return;
      await sleep(Math.random() * options.pauseMs);
    }
  });
  return {
    async stop() {
      writing = false;
      await Promise.all(writers);
    },
    setBaseUrl(next) {
      baseUrl = next;
    },
  };
}
