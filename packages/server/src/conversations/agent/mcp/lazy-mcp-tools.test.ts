import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../../test/support/test-logger.js';
import { abortedErrorFrom } from '../../../shared/abort.js';
import { AbortedError } from '../../../shared/errors.js';
import { thinkTool } from '../tool-registry.js';
import { lazyMcpTools, type OpenMcpTools } from './lazy-mcp-tools.js';
import type { McpTools } from './open-mcp-tools.js';

/** An `openMcpTools` the test settles by hand, counting opens and closes. */
function controlledOpen() {
  const opens: {
    signal: AbortSignal | undefined;
    resolve: (tools: McpTools) => void;
    reject: (error: Error) => void;
  }[] = [];
  let closes = 0;
  const open: OpenMcpTools = (_config, options) =>
    new Promise<McpTools>((resolve, reject) => {
      opens.push({ signal: options.signal, resolve, reject });
    });
  const opened: McpTools = {
    tools: [thinkTool],
    close: () => {
      closes += 1;
      return Promise.resolve();
    },
  };
  return { open, opens, opened, closes: () => closes };
}

const options = { sandbox: undefined, workspaceId: 'w', logger: createCapturingLogger().logger };

describe('lazyMcpTools', () => {
  it('opens on the first load only, with that turn signal; later loads share the tools', async () => {
    const control = controlledOpen();
    const lazy = lazyMcpTools({ sse_servers: [] }, options, control.open);
    expect(control.opens).toHaveLength(0);
    const signal = new AbortController().signal;
    const first = lazy.load(signal);
    const second = lazy.load(new AbortController().signal);
    expect(control.opens).toHaveLength(1);
    expect(control.opens[0]?.signal).toBe(signal);
    control.opens[0]?.resolve(control.opened);
    expect(await first).toEqual([thinkTool]);
    expect(await second).toEqual([thinkTool]);
    expect(await lazy.load(new AbortController().signal)).toEqual([thinkTool]);
    expect(control.opens).toHaveLength(1);
    await lazy.close();
    await lazy.close();
    expect(control.closes()).toBe(1);
    expect(await lazy.load(new AbortController().signal)).toEqual([]);
  });

  it('an aborted open rejects and is forgotten: the next load opens again', async () => {
    const control = controlledOpen();
    const lazy = lazyMcpTools(null, options, control.open);
    const controller = new AbortController();
    const first = lazy.load(controller.signal);
    controller.abort(new Error('stop'));
    control.opens[0]?.reject(abortedErrorFrom(controller.signal));
    await expect(first).rejects.toBeInstanceOf(AbortedError);
    const second = lazy.load(new AbortController().signal);
    expect(control.opens).toHaveLength(2);
    control.opens[1]?.resolve(control.opened);
    expect(await second).toEqual([thinkTool]);
  });

  it('an already aborted signal opens nothing', async () => {
    const control = controlledOpen();
    const lazy = lazyMcpTools(null, options, control.open);
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    await expect(lazy.load(controller.signal)).rejects.toBeInstanceOf(AbortedError);
    expect(control.opens).toHaveLength(0);
  });

  it('close during an open waits for it, closes what it opened, and the load gets no tools', async () => {
    const control = controlledOpen();
    const lazy = lazyMcpTools(null, options, control.open);
    const loading = lazy.load(new AbortController().signal);
    const closing = lazy.close();
    control.opens[0]?.resolve(control.opened);
    await closing;
    expect(control.closes()).toBe(1);
    expect(await loading).toEqual([]);
  });

  it('close before any load opens nothing', async () => {
    const control = controlledOpen();
    const lazy = lazyMcpTools(null, options, control.open);
    await lazy.close();
    expect(await lazy.load(new AbortController().signal)).toEqual([]);
    expect(control.opens).toHaveLength(0);
  });
});
