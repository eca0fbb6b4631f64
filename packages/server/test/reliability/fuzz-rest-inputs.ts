/**
 * Malformed and oversized REST bodies for R5, generated with fast-check from one seed (so a failing
 * run can be replayed) for every write route. Each body carries a token where its shape allows, so
 * the scenario can tell afterwards whether what it sent was stored.
 */
import fc from 'fast-check';

/** Largest request body and socket message the server takes (design.md §10). */
export const bodyLimitBytes = 4 * 1024 * 1024;

export interface RestCase {
  /** `route/category`, for the report. */
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: Buffer | undefined;
  /** Declared Content-Length far beyond the bytes sent. */
  readonly declaredLength?: number;
  readonly token: string;
  /** A well-formed user message carrying `token` in its text: a 2xx answer is a write. */
  readonly isMessage: boolean;
}

interface WriteRoute {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  /** A body the route takes, carrying `token`. */
  valid(token: string, text: string): Record<string, unknown>;
  /** The route's fields, given values of the wrong type. */
  readonly fields: readonly string[];
  /** A field that takes any JSON object, where a deeply nested value is well-formed. */
  readonly openField?: string;
}

/** Every write route of the REST face, aimed at `conversationId` where it names one. */
export function writeRoutes(conversationId: string, secretName: string): WriteRoute[] {
  const conversation = `/api/conversations/${conversationId}`;
  return [
    {
      name: 'create',
      method: 'POST',
      path: '/api/conversations',
      valid: (token, text) => ({ initial_user_msg: `${token} ${text}` }),
      fields: ['initial_user_msg', 'repository', 'image_urls', 'mcp_config'],
      openField: 'mcp_config',
    },
    {
      name: 'message',
      method: 'POST',
      path: `${conversation}/message`,
      valid: (token, text) => ({ message: `${token} ${text}` }),
      fields: ['message'],
    },
    {
      name: 'events',
      method: 'POST',
      path: `${conversation}/events`,
      valid: (token, text) => ({ action: 'message', args: { content: `${token} ${text}` } }),
      fields: ['action', 'args', 'source'],
    },
    {
      name: 'title',
      method: 'PATCH',
      path: conversation,
      valid: (token) => ({ title: token }),
      fields: ['title'],
    },
    {
      name: 'settings',
      method: 'POST',
      path: '/api/settings',
      // Harmless fields only: a fuzzed model or key would change every conversation's LLM.
      valid: (token) => ({ git_user_name: token, language: 'en' }),
      fields: ['llm_model', 'max_iterations', 'confirmation_mode', 'mcp_config'],
      openField: 'mcp_config',
    },
    {
      name: 'secret',
      method: 'POST',
      path: '/api/secrets',
      // The value is masked in every event later, so it must never occur in other text.
      valid: (token) => ({ name: token, value: `value_${token}_${token}` }),
      fields: ['name', 'value', 'description'],
    },
    {
      name: 'secret-update',
      method: 'PUT',
      path: `/api/secrets/${secretName}`,
      valid: (token) => ({ name: secretName, description: token }),
      fields: ['name', 'value', 'description'],
    },
    {
      name: 'start',
      method: 'POST',
      path: `${conversation}/start`,
      valid: () => ({ providers_set: [] }),
      fields: ['providers_set'],
    },
  ];
}

export const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

/** Deeply nested JSON text: arrays, objects or a mix, `depth` levels. */
export function deeplyNested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Bytes that are not UTF-8: a lone continuation, an overlong form, a surrogate, 0xFF. */
const invalidUtf8 = fc.constantFrom(
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc3]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
);

const categories = [
  'json',
  'wrong-types',
  'valid',
  'valid-extra-key',
  'invalid-utf8',
  'deep',
  'truncated',
  'content-type',
  'empty',
  'huge-length',
] as const;

/**
 * `count` REST cases spread over every route and category at random, then `edgeRounds` rounds of
 * the edge cases of every route (`edgeCases`), so those are never left to chance.
 */
export function restCases(options: {
  routes: readonly WriteRoute[];
  count: number;
  edgeRounds: number;
  seed: number;
  /** A fresh marker, safe in JSON, titles and secret names. */
  token: () => string;
}): RestCase[] {
  const shapes = fc.sample(
    fc.record({
      route: fc.nat(options.routes.length - 1),
      category: fc.constantFrom(...categories),
      json: fc.jsonValue({ maxDepth: 4 }),
      wrongValues: fc.array(wrongValue, { minLength: 4, maxLength: 4 }),
      text: fc.string({ unit: 'grapheme', maxLength: 60 }),
      bytes: invalidUtf8,
      depth: fc.constantFrom(100, 5_000, 100_000),
      nestedKind: fc.constantFrom('array' as const, 'object' as const),
      cut: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
    }),
    { numRuns: options.count, seed: options.seed },
  );
  const cases = shapes.map((shape): RestCase => {
    const route = options.routes[shape.route] as WriteRoute;
    const token = options.token();
    const json = 'application/json';
    const base = {
      label: `${route.name}/${shape.category}`,
      method: route.method,
      path: route.path,
    };
    const of = (body: string | Buffer, isMessage = false, contentType = json): RestCase => ({
      ...base,
      contentType,
      body: Buffer.from(body),
      token,
      isMessage,
    });
    const valid = JSON.stringify(route.valid(token, shape.text));
    switch (shape.category) {
      case 'json': {
        const value = shape.json;
        const withToken =
          typeof value === 'object' && value !== null && !Array.isArray(value)
            ? { ...value, probe: token }
            : value;
        return of(JSON.stringify(withToken));
      }
      case 'wrong-types': {
        const wrong = Object.fromEntries(
          route.fields.map((field, index) => [field, shape.wrongValues[index % 4]]),
        );
        return of(JSON.stringify({ ...wrong, probe: token }));
      }
      case 'valid':
        return of(valid, route.name === 'message');
      case 'valid-extra-key':
        return of(JSON.stringify({ ...route.valid(token, shape.text), unknown_key: shape.json }));
      case 'invalid-utf8': {
        const text = `${valid.slice(0, -2)}`;
        return of(Buffer.concat([Buffer.from(text), shape.bytes, Buffer.from(valid.slice(-2))]));
      }
      case 'deep': {
        const places = deepPlaces(route);
        const place = places[Math.floor(shape.cut * places.length)] ?? 'top';
        return of(withDeepValue(valid, route, place, deeplyNested(shape.depth, shape.nestedKind)));
      }
      case 'truncated':
        return of(valid.slice(0, Math.max(1, Math.floor(valid.length * shape.cut))));
      case 'content-type':
        return of(valid, false, 'text/plain');
      case 'empty':
        return of('');
      case 'huge-length':
        return { ...of('{"a":'), declaredLength: 1_000_000_000_000 };
    }
  });
  for (let round = 0; round < options.edgeRounds; round++) {
    for (const route of options.routes) cases.push(...edgeCases(route, options.token));
  }
  return cases;
}

type DeepPlace = 'top' | 'inner' | 'open';

/** Where a route's body can carry a nested value: top level, innermost object, open field. */
function deepPlaces(route: WriteRoute): DeepPlace[] {
  return ['top', 'inner', ...(route.openField === undefined ? [] : (['open'] as const))];
}

/** `valid` (JSON text) with `nested` added at `place`. */
function withDeepValue(valid: string, route: WriteRoute, place: DeepPlace, nested: string): string {
  if (place === 'open') return `${valid.slice(0, -1)},"${route.openField}":{"a":${nested}}}`;
  const cut = place === 'inner' && valid.endsWith('}}') ? -2 : -1;
  return `${valid.slice(0, cut)},"deep":${nested}${valid.slice(cut)}`;
}

/**
 * The cases every run sends to `route`: a body of exactly the limit + 1 bytes, a huge declared
 * Content-Length, and nesting 5,000 and 100,000 levels deep at every place the body allows.
 */
function edgeCases(route: WriteRoute, token: () => string): RestCase[] {
  const base = { method: route.method, path: route.path, contentType: 'application/json' };
  const cases: RestCase[] = [];
  const oversizedToken = token();
  const prefix = `{"message":"${oversizedToken} `;
  const filler = 'x'.repeat(bodyLimitBytes + 1 - prefix.length - 2);
  cases.push({
    ...base,
    label: `${route.name}/limit+1`,
    body: Buffer.from(`${prefix}${filler}"}`),
    token: oversizedToken,
    isMessage: false,
  });
  const hugeToken = token();
  cases.push({
    ...base,
    label: `${route.name}/huge-length`,
    body: Buffer.from(`{"message":"${hugeToken}`),
    declaredLength: 1_000_000_000_000,
    token: hugeToken,
    isMessage: false,
  });
  for (const depth of [5_000, 100_000]) {
    for (const place of deepPlaces(route)) {
      for (const kind of ['array', 'object'] as const) {
        const deepToken = token();
        const valid = JSON.stringify(route.valid(deepToken, 'deep'));
        const body = withDeepValue(valid, route, place, deeplyNested(depth, kind));
        cases.push({
          ...base,
          label: `${route.name}/deep-${place}-${kind}-${depth}`,
          body: Buffer.from(body),
          token: deepToken,
          isMessage: false,
        });
      }
    }
  }
  return cases;
}
