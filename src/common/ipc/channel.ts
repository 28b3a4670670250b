/**
 * comlink over Bun's IPC channel: the one adapter between a managed process
 * and the process that started it. Several comlink channels share one IPC
 * pipe (each side may serve calls to the other), so every message carries
 * its channel's name.
 *
 * Processes are spawned with `serialization: 'advanced'` so typed arrays cross
 * as binary; comlink's proxies (which need MessagePorts) do not cross processes,
 * so callbacks go through the other direction's channel instead.
 *
 * @example
 * // the parent, through the services contract
 * const worker = Comlink.wrap<WorkerApi>(managed.endpoint('worker'));
 * // the child
 * Comlink.expose(api, ipcEndpoint(parentPort(), 'worker'));
 */
import type { Endpoint } from 'comlink';

/** One end of an IPC pipe. */
export interface IpcPort {
  send(message: unknown): void;
  /** Registers a listener; answers a function that removes it. */
  onMessage(listener: (message: unknown) => void): () => void;
}

export interface Envelope { channel: string; data: unknown }

const isEnvelope = (m: unknown): m is Envelope => typeof m === 'object' && m !== null && 'channel' in m && 'data' in m;

/** A comlink Endpoint for one named channel of an IPC pipe. */
export function ipcEndpoint(port: IpcPort, channel: string): Endpoint {
  const removers = new Map<EventListenerOrEventListenerObject, () => void>();
  return {
    postMessage(data: unknown) {
      port.send({ channel, data } satisfies Envelope);
    },
    addEventListener(_type: string, listener: EventListenerOrEventListenerObject) {
      const deliver = (message: unknown) => {
        if (!isEnvelope(message) || message.channel !== channel) return;
        const event = { data: message.data } as MessageEvent;
        if (typeof listener === 'function') listener(event);
        else listener.handleEvent(event);
      };
      removers.set(listener, port.onMessage(deliver));
    },
    removeEventListener(_type: string, listener: EventListenerOrEventListenerObject) {
      removers.get(listener)?.();
      removers.delete(listener);
    },
  };
}

/** A set of message listeners, for the ports on either side. */
export class Listeners {
  private readonly set = new Set<(message: unknown) => void>();

  add(listener: (message: unknown) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(message: unknown): void {
    for (const listener of this.set) listener(message);
  }
}

/** The pipe to this process's parent; throws when the process was not started with IPC. */
export function parentPort(): IpcPort {
  const send = process.send?.bind(process);
  if (!send) throw new Error('this process has no IPC channel to a parent');
  const listeners = new Listeners();
  process.on('message', (message) => listeners.emit(message));
  return { send: (message) => void send(message), onMessage: (listener) => listeners.add(listener) };
}

/**
 * Makes a worker exit when its parent goes away (the IPC pipe closes, or it is
 * re-parented), so that no worker outlives the process that started it.
 */
export function exitWithParent(checkEveryMs = 1000): void {
  const parent = process.ppid;
  process.on('disconnect', () => process.exit(0));
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, checkEveryMs).unref();
}
