import type { FastifyInstance } from 'fastify';
import type { SecretRegistry } from '../../shared/secret-registry.js';

/**
 * The REST exit for secrets (R14): every error response (status 400 and above, from the error
 * handler or a route's own upstream-shaped body) leaves with the secret values its caller may not
 * see in plain text masked, since an error text can quote a provider's answer or the caller's
 * input. Success bodies are not scanned: events are masked when appended, and keys are never
 * returned. Runs in `onSend`, on the serialized body.
 */
export function registerErrorBodyMasking(server: FastifyInstance, secrets: SecretRegistry): void {
  // A callback hook, not an async one: no promise per request.
  server.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') {
      done(null, payload);
      return;
    }
    // `userId` is set by the auth hook; before it, only the server-wide secrets apply.
    const masker = secrets.maskerFor(request.userId as string | undefined);
    done(null, masker.maskJsonLine(payload));
  });
}
