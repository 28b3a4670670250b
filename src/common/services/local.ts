/**
 * The services contract on this machine: each process is a child of this one
 * (started as its sandbox plans it), spoken to over Bun's IPC pipe, its tree's
 * limits kept by a watch of /proc, its output kept as a bounded tail.
 *
 * @example
 * const services = new LocalServices({ sandbox: bubblewrap() });
 * const check = await services.spawn({ kind: 'CHECK', run: { script: CHECK }, untrusted: true, files: { data: path }, limits });
 */
import type { Endpoint } from 'comlink';
import { ipcEndpoint, Listeners, type IpcPort } from '../ipc/channel.ts';
import { killTree, ProcessTable, TreeWatch } from './process-tree.ts';
import type { Sandbox } from './sandbox.ts';
import { DEFAULT_STOP_GRACE_MS, type ExitInfo, type Limits, type ManagedProcess, type ProcessSpec, type Services, type Usage } from './services.ts';

const MB = 1024 * 1024;
const OUTPUT_TAIL_BYTES = 8 * 1024;

export interface LocalServicesOptions {
  sandbox: Sandbox;
  /** How often the trees' usage is read. */
  watchEveryMs?: number;
}

/** Keeps the last `limit` bytes a stream printed. */
function tail(stream: ReadableStream<Uint8Array>, limit: number): { text(): string; done: Promise<void> } {
  let kept = Buffer.alloc(0);
  const done = (async () => {
    const reader = stream.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      kept = Buffer.concat([kept, read.value]);
      if (kept.byteLength > limit) kept = kept.subarray(kept.byteLength - limit);
    }
  })().catch(() => {});
  return { text: () => kept.toString('utf8'), done };
}

export class LocalServices implements Services {
  readonly sandboxed: boolean;
  private readonly watch: TreeWatch;

  constructor(private readonly options: LocalServicesOptions) {
    this.sandboxed = options.sandbox.name !== 'none';
    this.watch = new TreeWatch(options.watchEveryMs ?? 250);
  }

  async spawn(spec: ProcessSpec): Promise<ManagedProcess> {
    return (await this.launch(spec)).process;
  }

  /**
   * `spawn`, with the process's whole IPC pipe (every channel) as well: what a
   * remote runner relays to the Admin (src/worker/remote-runner.ts).
   */
  async launch(spec: ProcessSpec): Promise<{ process: ManagedProcess; port: IpcPort }> {
    const ipc = 'script' in spec.run;
    const command = 'script' in spec.run ? [process.execPath, spec.run.script, ...(spec.run.args ?? [])] : [process.execPath, ...spec.run.bun];
    const plan = this.options.sandbox.plan(spec, command, ipc);
    const listeners = new Listeners();
    const startedAt = Date.now();
    let killedFor: { limit: keyof Limits; reason: string } | undefined;
    let requested = false;
    let cpuBase = 0;
    let last: Usage | null = { memoryBytes: 0, processes: 1, cpuSeconds: 0 };
    let table: ProcessTable | null = null;
    let resolveExit!: (info: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((resolve) => {
      resolveExit = resolve;
    });

    // Untrusted output is kept, bounded, for the messages of a failed check; trusted processes print to ours.
    const piped = spec.untrusted;
    const child = Bun.spawn(plan.argv, {
      env: plan.env,
      cwd: plan.cwd,
      stdin: 'ignore',
      stdout: piped ? 'pipe' : 'inherit',
      stderr: piped ? 'pipe' : 'inherit',
      ...(ipc ? { serialization: 'advanced' as const, ipc: (message: unknown) => listeners.emit(message) } : {}),
    });
    const pid = child.pid;
    const outputs = piped ? [tail(child.stdout as ReadableStream<Uint8Array>, OUTPUT_TAIL_BYTES), tail(child.stderr as ReadableStream<Uint8Array>, OUTPUT_TAIL_BYTES)] : [];

    const kill = () => {
      killTree(pid);
      child.kill('SIGKILL');
    };
    /** Once it has ended, its descendants as last seen: outside a sandbox they were re-parented away, out of its tree. */
    const killLastSeen = () => {
      for (const descendant of table?.tree(pid).slice(1) ?? []) {
        try {
          process.kill(descendant, 'SIGKILL');
        } catch {}
      }
    };
    const end = (limit: keyof Limits, reason: string) => {
      killedFor ??= { limit, reason: `killed: ${reason}` };
      kill();
    };
    const { limits } = spec;
    const unwatch = this.watch.add((snapshot) => {
      table = snapshot;
      const usage = snapshot.usage(pid);
      if (usage.processes === 0) return;
      last = { memoryBytes: usage.memoryBytes, processes: usage.processes - plan.overhead, cpuSeconds: usage.cpuSeconds - cpuBase };
      if (last.memoryBytes > limits.memoryBytes) {
        end('memoryBytes', `${Math.round(last.memoryBytes / MB)} MB used, over the limit of ${Math.round(limits.memoryBytes / MB)} MB`);
      } else if (last.processes > limits.processes) {
        end('processes', `${last.processes} processes, over the limit of ${limits.processes}`);
      } else if (limits.cpuSeconds !== undefined && last.cpuSeconds > limits.cpuSeconds) {
        end('cpuSeconds', `${last.cpuSeconds.toFixed(1)} s of CPU used, over the limit of ${limits.cpuSeconds} s`);
      } else if (limits.wallSeconds !== undefined && Date.now() - startedAt > limits.wallSeconds * 1000) {
        end('wallSeconds', `still running after its time limit of ${limits.wallSeconds} s`);
      }
    });

    void child.exited.then(async (code) => {
      unwatch();
      killLastSeen();
      await Promise.all(outputs.map((o) => o.done));
      plan.cleanup();
      last = null;
      const signal = child.signalCode === null ? null : String(child.signalCode);
      const reason = killedFor?.reason ?? (requested ? 'stopped' : signal ? `was killed by ${signal}` : `exited with code ${code}`);
      resolveExit({
        code: child.exitCode, signal, reason, requested: requested && killedFor === undefined, limit: killedFor?.limit ?? null,
        output: outputs.map((o) => o.text()).filter(Boolean).join('\n'),
      });
    });

    const port: IpcPort = {
      send: (message) => {
        if (!ipc || child.killed || child.exitCode !== null) return;
        try {
          child.send(message);
        } catch {
          // The channel closed before the exit was seen (the process is ending): nothing is waiting on what it would have got.
        }
      },
      onMessage: (listener) => listeners.add(listener),
    };
    const managed: ManagedProcess = {
      kind: spec.kind,
      paths: plan.paths,
      sandboxed: plan.sandboxed,
      pid,
      endpoint: (channel: string): Endpoint => {
        if (!ipc) throw new Error(`a ${spec.kind} process started as "bun ${command.slice(1).join(' ')}" has no channel`);
        return ipcEndpoint(port, channel);
      },
      // `last` is null from the moment its end is known.
      status: () => (last === null ? 'EXITED' : 'RUNNING'),
      wait: () => exited,
      stop: async (graceMs = DEFAULT_STOP_GRACE_MS) => {
        if (last === null) return exited;
        requested = true;
        // Its descendants first and at once: outside a sandbox, once it ends they could no longer be found.
        killTree(pid, { keepRoot: true });
        child.kill('SIGTERM');
        const timer = setTimeout(kill, graceMs);
        const info = await exited;
        clearTimeout(timer);
        return info;
      },
      usage: () => last,
      restartCpuClock: () => {
        cpuBase += last?.cpuSeconds ?? 0;
      },
    };
    return { process: managed, port };
  }
}
