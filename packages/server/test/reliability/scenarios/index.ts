/** Every reliability scenario, in the order of ../shared/spec/reliability.md. */
import type { Scenario } from '../scenario.js';
import { killMidStream } from './r01-kill-mid-stream.js';

export const scenarios: readonly Scenario[] = [killMidStream];
