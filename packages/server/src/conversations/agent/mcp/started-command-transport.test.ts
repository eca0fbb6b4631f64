import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { fakeStarter } from '../../../../test/support/mcp/fake-started-command.js';
import { StartedCommandTransport } from './started-command-transport.js';

const ping: JSONRPCMessage = { jsonrpc: '2.0', id: 1, method: 'ping' };
const pong: JSONRPCMessage = { jsonrpc: '2.0', id: 1, result: {} };
const notice: JSONRPCMessage = { jsonrpc: '2.0', method: 'notifications/message', params: {} };

/** A started transport over a fake command, with everything it reported. */
async function open(options: { endsWhenInputEnds?: boolean; maxMessageBytes?: number } = {}) {
  const starter = fakeStarter(options);
  const transport = new StartedCommandTransport(starter.start, {
    closeGraceMs: 10,
    maxMessageBytes: options.maxMessageBytes,
  });
  const received: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  let closes = 0;
  transport.onmessage = (message) => received.push(message);
  transport.onerror = (error) => errors.push(error);
  transport.onclose = () => (closes += 1);
  await transport.start();
  const command = starter.commands[0];
  if (command === undefined) throw new Error('no command started');
  return { transport, command, received, errors, closes: () => closes };
}

describe('StartedCommandTransport', () => {
  it('writes each message as one line of JSON on standard input', async () => {
    const { transport, command } = await open();
    await transport.send(ping);
    await transport.send(notice);
    expect(command.written).toEqual([`${JSON.stringify(ping)}\n`, `${JSON.stringify(notice)}\n`]);
  });

  it('reads messages split across chunks, several in one chunk, and CRLF line ends', async () => {
    const { command, received } = await open();
    const text = `${JSON.stringify(pong)}\r\n${JSON.stringify(notice)}\n`;
    command.emit(text.slice(0, 7));
    expect(received).toEqual([]);
    command.emit(Buffer.from(text.slice(7)));
    expect(received).toEqual([pong, notice]);
  });

  it('reports a line that is not a JSON-RPC message and reads on', async () => {
    const { command, received, errors } = await open();
    command.emit(`not json\n{"hello":1}\n${JSON.stringify(pong)}\n`);
    expect(errors.map((error) => error.message)).toEqual([
      'The MCP server wrote a line that is not a JSON-RPC message',
      'The MCP server wrote a line that is not a JSON-RPC message',
    ]);
    expect(received).toEqual([pong]);
  });

  it('a message longer than the limit is an error and ends the connection', async () => {
    const { command, errors, closes, transport } = await open({ maxMessageBytes: 64 });
    command.emit('x'.repeat(65));
    await command.result;
    expect(errors[0]?.message).toMatch(/exceeded maximum size of 64 bytes/);
    expect(closes()).toBe(1);
    await expect(transport.send(ping)).rejects.toThrow('Not connected');
  });

  it('the command ending closes the connection once, and says how it ended', async () => {
    const { transport, command, closes, errors } = await open();
    command.exit(127, 'sh: 1: exec: missing-server: not found\n');
    await command.result;
    await Promise.resolve();
    expect(closes()).toBe(1);
    expect(errors).toEqual([]);
    expect(transport.exit).toBe('exited with status 127');
    expect(transport.errorOutput).toContain('missing-server: not found');
    await expect(transport.send(ping)).rejects.toThrow('Not connected');
    await transport.close();
    expect(closes()).toBe(1);
  });

  it('a command that fails is an error, then a close', async () => {
    const { transport, command, closes, errors } = await open();
    command.fail(new Error('SANDBOX_UNAVAILABLE: bubblewrap is missing'));
    await command.result.catch(() => {});
    await Promise.resolve();
    expect(errors.map((error) => error.message)).toEqual([
      'SANDBOX_UNAVAILABLE: bubblewrap is missing',
    ]);
    expect(closes()).toBe(1);
    expect(transport.exit).toBe('failed: SANDBOX_UNAVAILABLE: bubblewrap is missing');
  });

  it('close ends the input and waits for the server to exit, without killing it', async () => {
    const { transport, command, closes, errors } = await open();
    await transport.close();
    expect(command.inputEnded).toBe(true);
    expect(command.signal?.aborted).toBe(false);
    expect(closes()).toBe(1);
    expect(errors).toEqual([]);
    await transport.close();
    expect(closes()).toBe(1);
  });

  it('close kills a server that does not exit when its input ends', async () => {
    const { transport, command, closes, errors } = await open({ endsWhenInputEnds: false });
    await transport.close();
    expect(command.inputEnded).toBe(true);
    expect(command.signal?.aborted).toBe(true);
    expect(closes()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('refuses a second start, and a send when the input is closed', async () => {
    const { transport, command } = await open({ endsWhenInputEnds: false });
    await expect(transport.start()).rejects.toThrow('The transport was already started');
    command.inputEnded = true;
    await expect(transport.send(ping)).rejects.toThrow("The MCP server's standard input is closed");
  });

  it('close before start closes without starting anything', async () => {
    const starter = fakeStarter();
    const transport = new StartedCommandTransport(starter.start);
    let closes = 0;
    transport.onclose = () => (closes += 1);
    await transport.close();
    expect(closes).toBe(1);
    expect(starter.commands).toEqual([]);
    await expect(transport.start()).rejects.toThrow('The transport was already started');
  });
});
