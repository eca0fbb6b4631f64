import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { batchEngineFlushes } from './socket-io-connection.js';

/** A TCP socket's cork counter, as net.Socket keeps it. */
class FakeTcpSocket {
  writableCorked = 0;
  readonly calls: string[] = [];
  cork(): void {
    this.writableCorked++;
    this.calls.push('cork');
  }
  uncork(): void {
    this.writableCorked--;
    this.calls.push('uncork');
  }
}

function engineSocket(transportName: 'websocket' | 'polling') {
  const tcp = new FakeTcpSocket();
  return { tcp, socket: { transport: { name: transportName, socket: { _socket: tcp } } } };
}

describe('batchEngineFlushes', () => {
  it('corks the TCP socket around a flush of several packets and uncorks it on drain', () => {
    const server = new EventEmitter();
    batchEngineFlushes(server);
    const { tcp, socket } = engineSocket('websocket');
    server.emit('flush', socket, [{}, {}, {}]);
    expect(tcp.writableCorked).toBe(1);
    server.emit('drain', socket);
    expect(tcp.writableCorked).toBe(0);
    expect(tcp.calls).toEqual(['cork', 'uncork']);
  });

  it('leaves a lone packet uncorked, and never uncorks a cork it did not take', () => {
    const server = new EventEmitter();
    batchEngineFlushes(server);
    const { tcp, socket } = engineSocket('websocket');
    server.emit('flush', socket, [{}]);
    server.emit('drain', socket);
    expect(tcp.calls).toEqual([]);
  });

  it('ignores connections still on HTTP long-polling', () => {
    const server = new EventEmitter();
    batchEngineFlushes(server);
    const { tcp, socket } = engineSocket('polling');
    server.emit('flush', socket, [{}, {}]);
    server.emit('drain', socket);
    expect(tcp.calls).toEqual([]);
  });
});
