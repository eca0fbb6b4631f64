/**
 * Sends R5's REST cases and sorts the answers: acknowledged (2xx), cleanly refused (4xx with a JSON
 * body), or a broken promise (5xx, a 4xx without JSON, no answer). Well-formed user messages are
 * recorded in the history, so the checker finds each acknowledged one exactly once in the log and
 * each refused one nowhere.
 */
import type { History } from './history.js';
import { httpProbe, isCleanRefusal, type ProbeAnswer } from './http-probe.js';
import type { RestCase } from './fuzz-rest-inputs.js';

export interface RestFuzzOutcome {
  requests: number;
  readonly statusCounts: Map<number, number>;
  /** Tokens of requests answered 2xx, by route name. */
  readonly acknowledged: Map<string, string[]>;
  /** Tokens of requests refused: they must be found nowhere afterwards. */
  readonly refused: string[];
  /** Answers that break the promise, described. */
  readonly violations: string[];
}

export async function runRestFuzz(options: {
  baseUrl: string;
  cases: readonly RestCase[];
  history: History;
  conversationId: string;
  concurrency: number;
}): Promise<RestFuzzOutcome> {
  const outcome: RestFuzzOutcome = {
    requests: 0,
    statusCounts: new Map(),
    acknowledged: new Map(),
    refused: [],
    violations: [],
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.cases.length) {
      const fuzzCase = options.cases[next++] as RestCase;
      let answer: ProbeAnswer | undefined;
      let failure: string | undefined;
      const send = async (): Promise<{ acknowledged: boolean; detail?: string }> => {
        try {
          answer = await httpProbe(options.baseUrl, {
            method: fuzzCase.method,
            path: fuzzCase.path,
            headers:
              fuzzCase.contentType === undefined ? {} : { 'content-type': fuzzCase.contentType },
            ...(fuzzCase.body === undefined ? {} : { body: fuzzCase.body }),
            ...(fuzzCase.declaredLength === undefined
              ? {}
              : { declaredLength: fuzzCase.declaredLength }),
          });
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
          throw error;
        }
        const ok = answer.status >= 200 && answer.status < 300;
        return ok ? { acknowledged: true } : { acknowledged: false, detail: `${answer.status}` };
      };
      if (fuzzCase.isMessage) {
        await options.history.record('rest-fuzzer', options.conversationId, fuzzCase.token, send);
      } else {
        await send().catch(() => undefined);
      }
      outcome.requests += 1;
      classify(outcome, fuzzCase, answer, failure);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  return outcome;
}

function classify(
  outcome: RestFuzzOutcome,
  fuzzCase: RestCase,
  answer: ProbeAnswer | undefined,
  failure: string | undefined,
): void {
  if (answer === undefined) {
    // Unanswered: whether it was stored is unknown, so its token is in neither list.
    const reset = /EPIPE|ECONNRESET/.test(failure ?? '');
    outcome.violations.push(
      reset && fuzzCase.body !== undefined && fuzzCase.body.length > 1024 * 1024
        ? `${fuzzCase.label}: reset before any answer (${failure ?? ''}): the server closed with the body unread, so the 413 was lost (RFC 9112 §9.6, lingering close)`
        : `${fuzzCase.label}: no answer (${failure ?? 'unknown'})`,
    );
    return;
  }
  outcome.statusCounts.set(answer.status, (outcome.statusCounts.get(answer.status) ?? 0) + 1);
  if (answer.status >= 200 && answer.status < 300) {
    const route = fuzzCase.label.split('/')[0] ?? '';
    const tokens = outcome.acknowledged.get(route) ?? [];
    tokens.push(fuzzCase.token);
    outcome.acknowledged.set(route, tokens);
    return;
  }
  outcome.refused.push(fuzzCase.token);
  if (!isCleanRefusal(answer)) {
    outcome.violations.push(
      `${fuzzCase.label}: ${answer.status} ${answer.text.slice(0, 120).replaceAll('\n', ' ')}`,
    );
  }
}

/** `200×12 413×8 422×40 …` */
export function describeStatuses(counts: ReadonlyMap<number, number>): string {
  return [...counts]
    .sort(([left], [right]) => left - right)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
}
