/** Every reliability scenario, in the order of ../shared/spec/reliability.md. */
import type { Scenario } from '../scenario.js';
import { killMidStream } from './r01-kill-mid-stream.js';
import { reconnectChaos } from './r02-reconnect-chaos.js';
import { gracefulShutdown } from './r11-graceful-shutdown.js';

export const scenarios: readonly Scenario[] = [killMidStream, reconnectChaos, gracefulShutdown];
