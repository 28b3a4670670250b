/**
 * What a process and all its descendants use, read from /proc: resident
 * memory summed over the tree, its processes, and its CPU time (the live
 * processes' own and what they collected from children that ended). One scan
 * of /proc serves every tree asked about in the same tick. Where /proc is
 * missing (not Linux) trees read as empty and no limit can be kept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Usage } from './services.ts';

const PAGE_BYTES = 4096;
const CLOCK_TICKS = 100;

interface Stat { pid: number; ppid: number; cpuTicks: number; rssPages: number }

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name is in parentheses and may hold spaces and parentheses itself.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const num = (i: number) => Number(fields[i]);
    return { pid, ppid: num(1), cpuTicks: num(11) + num(12) + num(13) + num(14), rssPages: num(21) };
  } catch {
    return null;
  }
}

/** A snapshot of every process's parent, for finding trees. */
export class ProcessTable {
  private readonly stats = new Map<number, Stat>();
  private readonly children = new Map<number, number[]>();

  static read(): ProcessTable {
    const table = new ProcessTable();
    let names: string[] = [];
    try {
      names = readdirSync('/proc');
    } catch {
      return table;
    }
    for (const name of names) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      const stat = readStat(pid);
      if (!stat) continue;
      table.stats.set(pid, stat);
      const siblings = table.children.get(stat.ppid);
      if (siblings) siblings.push(pid);
      else table.children.set(stat.ppid, [pid]);
    }
    return table;
  }

  /** The pids of `root` and all its descendants that were alive at the snapshot. */
  tree(root: number): number[] {
    if (!this.stats.has(root)) return [];
    const pids = [root];
    for (let i = 0; i < pids.length; i++) pids.push(...(this.children.get(pids[i]!) ?? []));
    return pids;
  }

  usage(root: number): Usage & { pids: number[] } {
    const pids = this.tree(root);
    let rss = 0;
    let ticks = 0;
    for (const pid of pids) {
      const stat = this.stats.get(pid)!;
      rss += stat.rssPages;
      ticks += stat.cpuTicks;
    }
    return { pids, processes: pids.length, memoryBytes: rss * PAGE_BYTES, cpuSeconds: ticks / CLOCK_TICKS };
  }
}

/**
 * Calls each watcher with a fresh table every `everyMs` while any is
 * registered: one /proc scan per tick, however many processes are watched.
 */
export class TreeWatch {
  private readonly watchers = new Set<(table: ProcessTable) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly everyMs: number) {}

  add(watcher: (table: ProcessTable) => void): () => void {
    this.watchers.add(watcher);
    this.timer ??= setInterval(() => this.tick(), this.everyMs);
    return () => {
      this.watchers.delete(watcher);
      if (this.watchers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  private tick(): void {
    const table = ProcessTable.read();
    for (const watcher of this.watchers) watcher(table);
  }
}

/**
 * Ends every process of `root`'s tree, `root` too unless `keepRoot`: each is
 * first stopped (SIGSTOP), so that none can start another meanwhile, the tree
 * read again until no new process shows, then all are killed. Killing from a
 * snapshot alone would miss a child started after it, which outside a sandbox
 * would live on.
 */
export function killTree(root: number, { keepRoot = false } = {}): void {
  const seen = new Set<number>();
  for (let round = 0; round < 10; round++) {
    const fresh = ProcessTable.read().tree(root).filter((pid) => !seen.has(pid) && !(keepRoot && pid === root));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      seen.add(pid);
      signal(pid, 'SIGSTOP');
    }
  }
  for (const pid of seen) signal(pid, 'SIGKILL');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {}
}
