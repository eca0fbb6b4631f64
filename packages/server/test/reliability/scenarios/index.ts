/** Every reliability scenario, in the order of ../shared/spec/reliability.md. */
import type { Scenario } from '../scenario.js';
import { killMidStream } from './r01-kill-mid-stream.js';
import { reconnectChaos } from './r02-reconnect-chaos.js';
import { slowConsumer } from './r03-slow-consumer.js';
import { llmProviderFaults } from './r04-llm-provider-faults.js';
import { gracefulShutdown } from './r11-graceful-shutdown.js';
import { acceptedMeansStored } from './r13-accepted-means-stored.js';
import { secretsStaySecret } from './r14-secrets-stay-secret.js';

export const scenarios: readonly Scenario[] = [
  killMidStream,
  reconnectChaos,
  slowConsumer,
  llmProviderFaults,
  gracefulShutdown,
  acceptedMeansStored,
  secretsStaySecret,
];
