/** Every reliability scenario, in the order of ../shared/spec/reliability.md. */
import type { Scenario } from '../scenario.js';
import { killMidStream } from './r01-kill-mid-stream.js';
import { malformedInput } from './r05-malformed-input.js';
import { authBypass } from './r06-auth-bypass.js';
import { flood } from './r07-flood.js';
import { bigHistory } from './r08-big-history.js';
import { soak } from './r09-soak.js';
import { redisOutage } from './r10-redis-outage.js';

export const scenarios: readonly Scenario[] = [
  killMidStream,
  malformedInput,
  authBypass,
  flood,
  bigHistory,
  soak,
  redisOutage,
];
