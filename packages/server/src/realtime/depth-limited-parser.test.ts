import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DepthLimitedDecoder,
  depthLimitedParser,
  readPacketHeader,
  refusedMessage,
  tooDeepReason,
} from './depth-limited-parser.js';

/** Arrays nested `depth` deep around a number: `[[[1]]]` is 3. */
function nestedArrays(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

/** Every packet a decoder emits for `chunks`, added one by one. */
function decodeAll(decoder: Decoder, chunks: readonly unknown[]): Packet[] {
  const packets: Packet[] = [];
  decoder.on('decoded', (packet: Packet) => packets.push(packet));
  for (const chunk of chunks) decoder.add(chunk);
  return packets;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('readPacketHeader', () => {
  it("finds the namespace and the JSON where socket.io-parser's own decoder does", () => {
    const packets = [
      '2["message",1]',
      '2/admin,["message",{"a":[1]}]',
      '2/admin,17["message"]',
      '217["message",null]',
      '31[{"ok":true}]',
      '0{"token":"x"}',
      '0/chat,{"token":"x"}',
      '1/chat,',
      '2/we"ird[{,["message",1]',
      '51-["message",{"_placeholder":true,"num":0}]',
      '52-/files,9["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
    ];
    for (const packet of packets) {
      const header = readPacketHeader(packet);
      const decoder = new Decoder();
      let decoded: Packet | undefined;
      decoder.on('decoded', (value: Packet) => (decoded = value));
      decoder.add(packet);
      decoder.destroy();
      const rest = packet.slice(header.jsonStart);
      if (decoded === undefined) {
        // A binary event: its header was read, its attachments are still awaited.
        expect(packet.startsWith('5')).toBe(true);
        expect(rest).toMatch(/^\d*\[/);
        continue;
      }
      expect(header.namespace, packet).toBe(decoded.nsp);
      // Only the ack id's digits stand between the namespace and the JSON.
      const json = rest.replace(/^\d*/, '');
      if (decoded.data === undefined) expect(json, packet).toBe('');
      else expect(JSON.parse(json), packet).toEqual(decoded.data);
    }
  });

  it('reads a header without JSON, or a broken one, as ending where the packet does', () => {
    expect(readPacketHeader('2')).toEqual({ namespace: '/', jsonStart: 1 });
    expect(readPacketHeader('2/admin')).toEqual({ namespace: '/admin', jsonStart: 7 });
    expect(readPacketHeader('51["no dash"]')).toEqual({ namespace: '/', jsonStart: 13 });
  });
});

describe('DepthLimitedDecoder', () => {
  it('decodes an event whose arguments nest 64 deep exactly as socket.io-parser does', () => {
    const packet = `2/admin,5["oh_user_action",${nestedArrays(64)}]`;
    expect(decodeAll(new DepthLimitedDecoder(), [packet])).toEqual(
      decodeAll(new Decoder(), [packet]),
    );
  });

  it('turns an event nested one level deeper into the refusedMessage event, unparsed', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const packets = decodeAll(new DepthLimitedDecoder(), [
      `2/admin,5["oh_user_action",${nestedArrays(65)}]`,
    ]);
    expect(parse).not.toHaveBeenCalled();
    expect(packets).toEqual([
      { type: PacketType.EVENT, nsp: '/admin', data: [refusedMessage, tooDeepReason] },
    ]);
    expect(tooDeepReason).toBe('JSON nested deeper than 64 levels');
  });

  it('refuses 2M levels (4 MiB) without parsing and keeps decoding the next packets', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const depth = 2 * 1024 * 1024 - 64;
    const decoder = new DepthLimitedDecoder();
    const packets = decodeAll(decoder, [
      `2["oh_user_action",${'['.repeat(depth)}${']'.repeat(depth)}]`,
    ]);
    expect(parse).not.toHaveBeenCalled();
    expect(packets).toEqual([
      { type: PacketType.EVENT, nsp: '/', data: [refusedMessage, tooDeepReason] },
    ]);
    parse.mockRestore();
    const next: Packet[] = [];
    decoder.on('decoded', (packet: Packet) => next.push(packet));
    decoder.add('2["oh_user_action",{"action":"message"}]');
    expect(next).toEqual([
      { type: PacketType.EVENT, nsp: '/', data: ['oh_user_action', { action: 'message' }] },
    ]);
  });

  it('counts nesting the JSON way: brackets in strings do not count, quotes in the namespace do not hide any', () => {
    const bracketsInText = `2["oh_user_action",{"content":"${'[{'.repeat(500)}"}]`;
    expect(decodeAll(new DepthLimitedDecoder(), [bracketsInText])).toEqual(
      decodeAll(new Decoder(), [bracketsInText]),
    );
    const bracketsInNamespace = `2/${'['.repeat(100)},["oh_user_action",1]`;
    expect(decodeAll(new DepthLimitedDecoder(), [bracketsInNamespace])).toEqual(
      decodeAll(new Decoder(), [bracketsInNamespace]),
    );
    // An opening quote in the namespace would make a whole-packet scan skip the nesting.
    const hidden = `2/"x,["oh_user_action",${nestedArrays(100)}]`;
    expect(decodeAll(new DepthLimitedDecoder(), [hidden])).toEqual([
      { type: PacketType.EVENT, nsp: '/"x', data: [refusedMessage, tooDeepReason] },
    ]);
  });

  it('throws on any other over-deep packet, before parsing, as on a malformed one', () => {
    const parse = vi.spyOn(JSON, 'parse');
    for (const packet of [
      `0{"auth":${nestedArrays(65)}}`,
      `31${nestedArrays(66)}`,
      `51-["oh_user_action",${nestedArrays(65)},{"_placeholder":true,"num":0}]`,
    ]) {
      const decoder = new DepthLimitedDecoder();
      const emitted = vi.fn();
      decoder.on('decoded', emitted);
      expect(() => decoder.add(packet), packet).toThrow(tooDeepReason);
      expect(emitted).not.toHaveBeenCalled();
    }
    expect(parse).not.toHaveBeenCalled();
  });

  it('passes binary attachments through to the stock reconstruction', () => {
    const attachment = Buffer.from([0, 1, 2, 255]);
    const encoded = new Encoder().encode({
      type: PacketType.EVENT,
      nsp: '/',
      data: ['oh_user_action', { file: attachment }],
    });
    expect(encoded).toHaveLength(2);
    const packets = decodeAll(new DepthLimitedDecoder(), encoded);
    expect(packets).toEqual([
      { type: PacketType.EVENT, nsp: '/', data: ['oh_user_action', { file: attachment }] },
    ]);
  });

  it('keeps socket.io-parser errors for malformed packets', () => {
    expect(() => new DepthLimitedDecoder().add('2["oh_user_action",[[')).toThrow('invalid payload');
    expect(() => new DepthLimitedDecoder().add(Buffer.from('x'))).toThrow(
      'got binary data when not reconstructing a packet',
    );
  });

  it('comes with the stock Encoder, so the wire format is unchanged', () => {
    expect(depthLimitedParser.Encoder).toBe(Encoder);
    expect(depthLimitedParser.Decoder).toBe(DepthLimitedDecoder);
  });
});
