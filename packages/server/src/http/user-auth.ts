export { SingleUserAuth, type UserAuth, type UserAuthRequest } from '../auth/user-auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every `/api` request by the auth hook. */
    userId: string;
  }
}
