import type { Migration } from 'kysely';
import * as eventLog from './0001-event-log.js';

/** Every migration, keyed by its number and name; applied in key order. Never edit a landed one. */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-event-log': eventLog,
};
