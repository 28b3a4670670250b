import { afterEach, expect, test } from 'bun:test';
import { Type } from '@sinclair/typebox';
import * as Comlink from 'comlink';
import { connect, Float32ArraySchema, ProtocolError, RemoteError, serve, type CallList } from './calls.ts';

const CALLS = {
  square: { args: Type.Tuple([Type.Number()]), result: Type.Number() },
  scale: { args: Type.Tuple([Float32ArraySchema(), Type.Number()]), result: Float32ArraySchema() },
  fail: { args: Type.Tuple([]), result: Type.Undefined() },
} satisfies CallList;

let channel: MessageChannel;
afterEach(() => {
  channel.port1.close();
  channel.port2.close();
});

/** The message a call was refused with. */
async function failure(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the call was answered');
}

function pair() {
  channel = new MessageChannel();
  serve(channel.port1, CALLS, {
    square: (n) => n * n,
    scale: (values, by) => values.map((v) => v * by),
    fail: () => {
      throw Object.assign(new Error('no such thing'), { stack: 'Error: no such thing\n    at /admin/secret/path.ts:1:1' });
    },
  });
  return { port: channel.port2 };
}

test('only the listed calls pass, with arguments that fit; errors come back as their message alone', async () => {
  const { port } = pair();
  const remote = connect(port, CALLS);
  expect(await remote.square(7)).toBe(49);
  expect([...await remote.scale(new Float32Array([1, 2]), 3)]).toEqual([3, 6]);
  const raw = Comlink.wrap<any>(port);
  expect(await failure(raw.square('seven'))).toStartWith('refused: bad arguments for square');
  expect(await failure(raw.square(1, 2))).toStartWith('refused: bad arguments for square');
  expect(await failure(raw.constructor())).toBe('refused: there is no call "constructor"');
  expect(await failure(raw.__proto__())).toBe('refused: there is no call "__proto__"');
  const error = (await remote.fail().catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(RemoteError);
  expect(error.message).toBe('no such thing');
  expect(error.stack).not.toContain('/admin/secret');
});

test('GET, SET, CONSTRUCT and paths into objects are refused, and change nothing', async () => {
  const { port } = pair();
  const raw = Comlink.wrap<any>(port);
  await expect((async () => await raw.square.prototype.polluted)()).rejects.toThrow('GET messages are not accepted');
  await expect(new raw.square()).rejects.toThrow('CONSTRUCT messages are not accepted');
  await expect(raw.square.inner(2)).rejects.toThrow('only calls of a named method are accepted');
  const sent = await new Promise<unknown>((resolve) => {
    port.addEventListener('message', (event) => resolve(event.data), { once: true });
    port.postMessage({ id: 'x1', type: 'SET', path: ['__proto__', 'polluted'], value: { type: 'RAW', value: true } });
    port.start();
  });
  expect(sent).toMatchObject({ id: 'x1', type: 'HANDLER', name: 'throw' });
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test('a result that does not fit its schema is a ProtocolError', async () => {
  channel = new MessageChannel();
  Comlink.expose({ square: () => 'not a number' }, channel.port1);
  const remote = connect(channel.port2, CALLS);
  const error = await remote.square(2).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProtocolError);
  expect((error as Error).message).toContain('the answer to square does not fit its protocol');
});
