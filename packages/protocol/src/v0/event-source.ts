import { z } from 'zod';

/** Upstream `EventSource` values (`openhands/events/event.py`). */
export const eventSources = ['agent', 'user', 'environment'] as const;

export const eventSourceSchema = z.enum(eventSources);

export type EventSource = z.infer<typeof eventSourceSchema>;
