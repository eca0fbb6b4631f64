import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';

/**
 * Validation with the zod schemas of `protocol`, and an OpenAPI 3 document generated from the same
 * schemas at `/openapi.json`, browsable at `/docs`. Responses are serialized with JSON.stringify:
 * their schemas document the API without re-validating every reply.
 */
export async function registerOpenApi(
  server: FastifyInstance,
  options: { version: string },
): Promise<void> {
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        description:
          'REST face of Parley, wire-compatible with the OpenHands V0 API. With SESSION_API_KEY set, send it in X-Session-API-Key.',
        version: options.version,
      },
      components: {
        securitySchemes: {
          sessionApiKey: { type: 'apiKey', in: 'header', name: 'X-Session-API-Key' },
        },
      },
      security: [{ sessionApiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await server.register(swaggerUi, { routePrefix: '/docs' });
  server.get('/openapi.json', { schema: { hide: true } }, async () => server.swagger());
}
