/**
 * Calls between processes that trust nothing from the other side. A call list
 * names each method with the TypeBox schemas of its arguments and its result;
 * `serve` answers only those methods (comlink's APPLY on a one-name path),
 * with arguments that pass their schema, and refuses every other comlink
 * message (GET, SET, CONSTRUCT, ENDPOINT, a path into an object): unlike
 * `Comlink.expose`, nothing of the serving process is reachable. `connect`
 * is comlink's `wrap` whose results must pass their schema, and whose errors
 * arrive as plain messages.
 *
 * @example
 * const calls = { square: { args: Type.Tuple([Type.Number()]), result: Type.Number() } } satisfies CallList;
 * serve(endpoint, calls, { square: (n) => n * n });                 // the side that answers
 * const remote = connect(otherEndpoint, calls); await remote.square(3); // the side that calls
 */
import { Kind, Type, TypeRegistry, type Static, type TSchema, type TTuple } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import * as Comlink from 'comlink';

export interface CallSchema { args: TTuple; result: TSchema }
export type CallList = Record<string, CallSchema>;

/** A result schema's type; a call that answers nothing may return void. */
type Answer<S extends TSchema> = Static<S> extends undefined ? void : Static<S>;

/** What implements a call list: each method takes its arguments' static types and answers its result's. */
export type Handlers<L extends CallList> = {
  [K in keyof L]: (...args: Static<L[K]['args']>) => Answer<L[K]['result']> | Promise<Answer<L[K]['result']>>;
};

/** The calling side's view of a call list. */
export type Remote<L extends CallList> = {
  [K in keyof L]: (...args: Static<L[K]['args']>) => Promise<Static<L[K]['result']>>;
};

if (!TypeRegistry.Has('Float32Array')) TypeRegistry.Set('Float32Array', (_schema, value) => value instanceof Float32Array);
/** A Float32Array, which the advanced IPC serialization carries as binary. */
export const Float32ArraySchema = () => Type.Unsafe<Float32Array>({ [Kind]: 'Float32Array' });

/** A call that broke its protocol: a refused message, or a result that does not fit its schema. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** An error the other side answered a call with: its message only. */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
}

const MAX_ERROR_CHARS = 10_000;
const checks = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checker(schema: TSchema): TypeCheck<TSchema> {
  let check = checks.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    checks.set(schema, check);
  }
  return check;
}

function firstError(check: TypeCheck<TSchema>, value: unknown): string {
  const error = check.Errors(value).First();
  return error ? `${error.path || '(the value)'}: ${error.message}` : 'does not fit';
}

interface ApplyMessage { id: string; type: 'APPLY'; path: [string]; argumentList: { type: 'RAW'; value: unknown }[] }

function asApply(data: unknown): ApplyMessage | string {
  const message = data as Partial<ApplyMessage> & { type?: unknown };
  if (message.type !== 'APPLY') return `${String(message.type)} messages are not accepted`;
  if (!Array.isArray(message.path) || message.path.length !== 1 || typeof message.path[0] !== 'string') return 'only calls of a named method are accepted';
  if (!Array.isArray(message.argumentList) || !message.argumentList.every((a) => typeof a === 'object' && a !== null && a.type === 'RAW')) {
    return 'arguments must be plain values';
  }
  return message as ApplyMessage;
}

function reply(endpoint: Comlink.Endpoint, id: string, outcome: { value: unknown } | { error: string }): void {
  const wire = 'value' in outcome
    ? { id, type: 'RAW', value: outcome.value }
    : { id, type: 'HANDLER', name: 'throw', value: { isError: true, value: { message: outcome.error, name: 'Error' } } };
  endpoint.postMessage(wire);
}

/**
 * Answers the calls of `calls` on `endpoint` with `handlers`; answers a function that stops.
 * A handler's error goes back as its message alone, never its stack.
 */
export function serve<L extends CallList>(endpoint: Comlink.Endpoint, calls: L, handlers: Handlers<L>): () => void {
  const table = new Map(Object.entries(calls).map(([name, schema]) => [name, { check: checker(schema.args), run: handlers[name]! }]));
  const listener = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (typeof data !== 'object' || data === null || typeof (data as { id?: unknown }).id !== 'string') return;
    const id = (data as { id: string }).id;
    const message = asApply(data);
    if (typeof message === 'string') return reply(endpoint, id, { error: `refused: ${message}` });
    const call = table.get(message.path[0]);
    if (!call) return reply(endpoint, id, { error: `refused: there is no call ${JSON.stringify(message.path[0].slice(0, 100))}` });
    const args = message.argumentList.map((a) => a.value);
    if (!call.check.Check(args)) return reply(endpoint, id, { error: `refused: bad arguments for ${message.path[0]}: ${firstError(call.check, args)}` });
    Promise.resolve()
      .then(() => (call.run as (...a: unknown[]) => unknown)(...args))
      .then((value) => reply(endpoint, id, { value }), (error: unknown) => reply(endpoint, id, { error: error instanceof Error ? error.message : String(error) }));
  };
  endpoint.addEventListener('message', listener as EventListener);
  // A MessagePort delivers only once started; the IPC endpoints have no such step.
  (endpoint as { start?: () => void }).start?.();
  return () => endpoint.removeEventListener('message', listener as EventListener);
}

/** The calls of `calls` on the process at `endpoint`; results that do not fit their schema reject with a ProtocolError. */
export function connect<L extends CallList>(endpoint: Comlink.Endpoint, calls: L): Remote<L> {
  const remote = Comlink.wrap<Record<string, (...args: unknown[]) => Promise<unknown>>>(endpoint);
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, schema] of Object.entries(calls)) {
    const check = checker(schema.result);
    api[name] = async (...args) => {
      let value: unknown;
      try {
        value = await remote[name]!(...args);
      } catch (error) {
        const message = typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : 'failed';
        throw new RemoteError(message.slice(0, MAX_ERROR_CHARS));
      }
      if (!check.Check(value)) throw new ProtocolError(`the answer to ${name} does not fit its protocol: ${firstError(check, value)}`);
      return value;
    };
  }
  return api as Remote<L>;
}
