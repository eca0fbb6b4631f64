/** Every reliability scenario, in the order of ../shared/spec/reliability.md. */
import type { Scenario } from '../scenario.js';
import { killMidStream } from './r01-kill-mid-stream.js';
import { reconnectChaos } from './r02-reconnect-chaos.js';
import { slowConsumer } from './r03-slow-consumer.js';
import { llmProviderFaults } from './r04-llm-provider-faults.js';
import { malformedInput } from './r05-malformed-input.js';
import { authBypass } from './r06-auth-bypass.js';
import { flood } from './r07-flood.js';
import { bigHistory } from './r08-big-history.js';
import { soak } from './r09-soak.js';
import { redisOutage } from './r10-redis-outage.js';
import { gracefulShutdown } from './r11-graceful-shutdown.js';
import { replayStorm } from './r12-replay-storm.js';
import { acceptedMeansStored } from './r13-accepted-means-stored.js';
import { secretsStaySecret } from './r14-secrets-stay-secret.js';
import { sandboxEscape } from './r16-sandbox-escape.js';

export const scenarios: readonly Scenario[] = [
  killMidStream,
  reconnectChaos,
  slowConsumer,
  llmProviderFaults,
  malformedInput,
  authBypass,
  flood,
  bigHistory,
  soak,
  redisOutage,
  gracefulShutdown,
  replayStorm,
  acceptedMeansStored,
  secretsStaySecret,
  sandboxEscape,
];
