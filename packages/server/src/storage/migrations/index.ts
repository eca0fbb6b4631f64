import type { Migration } from 'kysely';
import * as eventLog from './0001-event-log.js';
import * as conversations from './0002-conversations.js';
import * as settings from './0003-settings.js';
import * as secrets from './0004-secrets.js';
import * as conversationLeases from './0005-conversation-leases.js';
import * as leaseActivity from './0006-lease-activity.js';

/** Every migration, keyed by its number and name; applied in key order. Never edit a landed one. */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-event-log': eventLog,
  '0002-conversations': conversations,
  '0003-settings': settings,
  '0004-secrets': secrets,
  '0005-conversation-leases': conversationLeases,
  '0006-lease-activity': leaseActivity,
};
