/**
 * R4: the provider misbehaves in every way the fake server can: 429 with Retry-After, 500, 503,
 * a reset before the headers, a reset mid-stream, a stall past the idle timeout, a malformed SSE
 * chunk, an empty stream, and more failures than the retry budget allows; and a user stops a turn
 * while it waits to retry. Retries follow the schedule and honour Retry-After, no answer is ever
 * doubled, a spent budget ends in exactly one error state, and a stop during a retry wait ends it.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeLlmBehaviour } from '../../support/fake-llm-server.js';
import { buildResult } from '../build-result.js';
import type { LogEntry } from '../check-history.js';
import { ScenarioEnvironment } from '../environment.js';
import { createConversation, postMessage, rest } from '../rest-client.js';
import type { BoundCheck, Scenario } from '../scenario.js';
import { untilQuiet } from '../settle.js';

interface FaultCase {
  readonly name: string;
  readonly script: readonly FakeLlmBehaviour[];
  /** Requests the turn must make: one per attempt. */
  readonly requests: number;
  readonly finalState: string;
}

const answer = (marker: string): FakeLlmBehaviour => ({
  kind: 'reply',
  text: `answer ${marker} done`,
});
const retryAfterSeconds = 1;

/** A fault the turn retries past: two requests, and the answer that follows ends the turn. */
function retriedFault(name: string, fault: FakeLlmBehaviour, marker: string): FaultCase {
  return { name, script: [fault, answer(marker)], requests: 2, finalState: 'awaiting_user_input' };
}

/** A fault that ends the turn in the error state after `requests` requests. */
function fatalFault(
  name: string,
  script: readonly FakeLlmBehaviour[],
  requests: number,
): FaultCase {
  return { name, script, requests, finalState: 'error' };
}

const faultCases: readonly FaultCase[] = [
  retriedFault(
    '429 + Retry-After',
    { kind: 'status', status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
    'a429',
  ),
  retriedFault('500', { kind: 'status', status: 500 }, 'a500'),
  retriedFault('503', { kind: 'status', status: 503 }, 'a503'),
  retriedFault('reset before headers', { kind: 'reset-before-headers' }, 'areset'),
  fatalFault(
    'reset mid-stream (no retry after output)',
    [{ kind: 'reset-mid-stream', afterChunks: 3 }, answer('never')],
    1,
  ),
  retriedFault('stall past the idle timeout', { kind: 'stall', afterChunks: 0 }, 'astall'),
  fatalFault('malformed chunk', [{ kind: 'malformed-chunk', afterChunks: 2 }, answer('never')], 1),
  retriedFault('empty choices', { kind: 'empty-choices' }, 'aempty'),
  fatalFault(
    'retry budget spent',
    Array.from({ length: 5 }, () => ({ kind: 'status', status: 500 }) as const),
    5,
  ),
];

export const llmProviderFaults: Scenario = {
  id: 'R4',
  title: 'LLM provider faults',
  databases: ['sqlite'],
  async run(context) {
    const repeats = context.profile === 'full' ? 5 : 1;
    const environment = await ScenarioEnvironment.create(context.database);
    try {
      const server = await environment.startServer({
        LLM_NUM_RETRIES: '5',
        LLM_RETRY_MIN_WAIT_MS: '20',
        LLM_RETRY_MULTIPLIER_MS: '20',
        LLM_RETRY_MAX_WAIT_MS: '5000',
        LLM_IDLE_TIMEOUT_MS: '300',
        LLM_FIRST_TOKEN_TIMEOUT_MS: '300',
      });
      const bounds: BoundCheck[] = [];
      let faults = 0;
      for (let repeat = 0; repeat < repeats; repeat++) {
        for (const faultCase of faultCases) {
          environment.llm.clearQueue();
          environment.llm.enqueue(...faultCase.script);
          faults += faultCase.script.length - 1;
          const requestsBefore = environment.llm.requests.length;
          const conversationId = await createConversation(server.url);
          const token = environment.history.token('r4');
          await environment.history.record('r4', conversationId, token, () =>
            postMessage(server.url, conversationId, `${faultCase.name} ${token}`),
          );
          const stored = await untilQuiet(environment);
          const log = stored.logs.get(conversationId) ?? [];
          const requests = environment.llm.requests.slice(requestsBefore);
          bounds.push(...judgeCase(faultCase, log, requests.length));
          if (faultCase.name === '429 + Retry-After' && requests.length >= 2) {
            const waited = (requests[1]?.receivedAt ?? 0) - (requests[0]?.receivedAt ?? 0);
            bounds.push({
              name: 'Retry-After honoured',
              pass: waited >= retryAfterSeconds * 1000 - 50,
              detail: `retried after ${Math.round(waited)} ms (Retry-After ${retryAfterSeconds} s)`,
            });
          }
        }
        bounds.push(await stopDuringRetryWait(environment, server.url));
        faults += 1;
      }
      await server.stop('SIGTERM');
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored: await environment.readLogs(),
        faults,
        bounds: summarise(bounds),
      });
    } finally {
      await environment.cleanup();
    }
  },
};

function judgeCase(faultCase: FaultCase, log: readonly LogEntry[], requests: number): BoundCheck[] {
  const states = log.flatMap((entry) => (entry.agentState === undefined ? [] : [entry.agentState]));
  const agentAnswers = log.filter((entry) => entry.kind === 'message' && entry.source === 'agent');
  const finalState = states.at(-1);
  const errors = states.filter((state) => state === 'error').length;
  return [
    {
      name: `${faultCase.name}: ${faultCase.requests} request(s), ends ${faultCase.finalState}`,
      pass: requests === faultCase.requests && finalState === faultCase.finalState,
      detail: `${requests} request(s), ends ${finalState ?? 'with no state'}`,
    },
    {
      name: `${faultCase.name}: at most one answer, at most one error state`,
      pass: agentAnswers.length <= 1 && errors <= 1,
      detail: `${agentAnswers.length} answer(s), ${errors} error state(s)`,
    },
  ];
}

/** A stop while the turn waits to retry ends the wait: no request follows the stop. */
async function stopDuringRetryWait(
  environment: ScenarioEnvironment,
  baseUrl: string,
): Promise<BoundCheck> {
  environment.llm.clearQueue();
  environment.llm.enqueue(
    { kind: 'status', status: 429, headers: { 'retry-after': '4' } },
    answer('after-stop'),
  );
  const requestsBefore = environment.llm.requests.length;
  const conversationId = await createConversation(baseUrl);
  const token = environment.history.token('r4-stop');
  await environment.history.record('r4', conversationId, token, () =>
    postMessage(baseUrl, conversationId, `stop me ${token}`),
  );
  await environment.llm.waitForRequest(requestsBefore);
  const stoppedAt = performance.now();
  const stop = await rest(baseUrl, 'POST', `/api/conversations/${conversationId}/stop`);
  // Longer than the 4 s wait: a retry that survived the stop would have come by now.
  await sleep(5_000);
  const stored = await untilQuiet(environment);
  const states = (stored.logs.get(conversationId) ?? []).flatMap((entry) =>
    entry.agentState === undefined ? [] : [entry.agentState],
  );
  const laterRequests = environment.llm.requests
    .slice(requestsBefore + 1)
    .filter((request) => request.receivedAt > stoppedAt).length;
  return {
    name: 'a stop during a retry wait ends the turn',
    pass: stop.status === 200 && laterRequests === 0 && states.at(-1) === 'stopped',
    detail: `stop ${stop.status}, ${laterRequests} request(s) after the stop, ends ${states.at(-1) ?? 'with no state'}`,
  };
}

/** Keeps failing checks as they are and folds the passing ones of the same name into one. */
function summarise(bounds: readonly BoundCheck[]): BoundCheck[] {
  const failing = bounds.filter((bound) => !bound.pass);
  const passing = bounds.length - failing.length;
  return [
    {
      name: 'fault cases',
      pass: failing.length === 0,
      detail: `${passing} of ${bounds.length} checks kept`,
    },
    ...failing,
  ];
}
