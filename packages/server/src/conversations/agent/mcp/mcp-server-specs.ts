/**
 * A user's `mcp_config` as the servers to connect to: one spec a server, with a label for logs
 * that holds no secret, the call timeout, and the values to hide in any text about it.
 */
import { mcpConfigSchema, type McpConfig } from '@parley/protocol';
import { urlCredentials } from '../../../shared/secret-registry.js';

/** An MCP call's limit when the configuration sets none (the MCP SDK's default, and upstream's). */
export const defaultCallTimeoutMs = 60_000;

interface SpecCommon {
  /** Names the server in logs: the URL without credentials, query or fragment, or the stdio name. */
  readonly label: string;
  readonly callTimeoutMs: number;
  /**
   * Values that must not appear in logs or events: the API key, URL credentials, and the values
   * of query parameters and variables whose names look secret (`secretLookingName`).
   */
  readonly secrets: readonly string[];
}

export interface McpUrlServerSpec extends SpecCommon {
  readonly kind: 'sse' | 'shttp';
  readonly url: string;
  readonly apiKey: string | undefined;
}

export interface McpStdioServerSpec extends SpecCommon {
  readonly kind: 'stdio';
  readonly name: string;
  /** The shell command that starts it: `exec` of the command and its arguments, each quoted. */
  readonly shellCommand: string;
  readonly env: Readonly<Record<string, string>>;
}

export type McpServerSpec = McpUrlServerSpec | McpStdioServerSpec;

/** Every server of `config`, SSE first, then streamable HTTP, then stdio (upstream's order). */
export function mcpServerSpecs(config: McpConfig): McpServerSpec[] {
  const specs: McpServerSpec[] = [];
  for (const server of config.sse_servers ?? []) {
    const entry = typeof server === 'string' ? { url: server } : server;
    specs.push(urlSpec('sse', entry.url, entry.api_key, undefined));
  }
  for (const server of config.shttp_servers ?? []) {
    const entry = typeof server === 'string' ? { url: server } : server;
    specs.push(urlSpec('shttp', entry.url, entry.api_key, entry.timeout));
  }
  for (const server of config.stdio_servers ?? []) {
    const env = server.env ?? {};
    specs.push({
      kind: 'stdio',
      name: server.name,
      label: `stdio:${server.name}`,
      shellCommand: shellCommand(server.command, server.args ?? []),
      env,
      callTimeoutMs: defaultCallTimeoutMs,
      secrets: Object.entries(env).flatMap(([name, value]) =>
        secretLookingName.test(name) ? [value] : [],
      ),
    });
  }
  return specs;
}

function urlSpec(
  kind: 'sse' | 'shttp',
  url: string,
  apiKey: string | null | undefined,
  timeoutSeconds: number | null | undefined,
): McpUrlServerSpec {
  const key = apiKey === null || apiKey === undefined || apiKey === '' ? undefined : apiKey;
  return {
    kind,
    url,
    apiKey: key,
    label: `${kind}:${urlLabel(url)}`,
    callTimeoutMs:
      timeoutSeconds === null || timeoutSeconds === undefined
        ? defaultCallTimeoutMs
        : timeoutSeconds * 1000,
    secrets: [
      ...(key === undefined ? [] : [key]),
      ...urlCredentials(url),
      ...secretQueryValues(url),
    ],
  };
}

/** The URL's origin and path: no user, password, query or fragment. */
export function urlLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Names of variables and query parameters whose values are taken for secrets. */
export const secretLookingName =
  /key|token|secret|passw|pwd|credential|auth|session|cookie|private/i;

function secretQueryValues(url: string): string[] {
  try {
    return [...new URL(url).searchParams.entries()].flatMap(([name, value]) =>
      secretLookingName.test(name) && value !== '' ? [value] : [],
    );
  } catch {
    return [];
  }
}

/** `exec 'command' 'arg' …`: the words passed as they are, whatever characters they hold. */
export function shellCommand(command: string, args: readonly string[]): string {
  return ['exec', ...[command, ...args].map(quoteForShell)].join(' ');
}

function quoteForShell(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Every secret of a stored `mcp_config` (see `SpecCommon.secrets`); none when it is not valid. */
export function mcpConfigSecrets(config: unknown): string[] {
  const parsed = mcpConfigSchema.safeParse(config ?? {});
  return parsed.success ? mcpServerSpecs(parsed.data).flatMap((spec) => spec.secrets) : [];
}
