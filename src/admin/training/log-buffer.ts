/**
 * Trial logs gathered and written in batches: a template logs every epoch, and
 * an insert per entry on the Admin's event loop made workers wait behind them
 * (measured in scripts/bench/trials.ts). Entries reach the store within
 * `flushEveryMs`, and all of them when a trial ends. A trial keeps at most
 * `maxPerTrial` entries: a template that logs without end fills neither the
 * Admin's memory nor the store.
 */
import type { LogEntry } from '../../common/protocols/train.ts';

export class LogBuffer {
  private readonly pending = new Map<string, LogEntry[]>();
  private readonly counts = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly write: (trialId: string, entries: LogEntry[]) => Promise<void>, private readonly flushEveryMs = 1_000, private readonly maxPerTrial = 20_000) {}

  add(trialId: string, entry: LogEntry): void {
    const count = (this.counts.get(trialId) ?? 0) + 1;
    this.counts.set(trialId, count);
    if (count > this.maxPerTrial + 1) return;
    if (count === this.maxPerTrial + 1) {
      entry = { kind: 'MESSAGE', time: new Date().toISOString(), message: `more than ${this.maxPerTrial} log entries: the rest of this trial's are not kept` };
    }
    const entries = this.pending.get(trialId);
    if (entries) entries.push(entry);
    else this.pending.set(trialId, [entry]);
    this.timer ??= setTimeout(() => void this.flush(), this.flushEveryMs);
  }

  /** Forgets a trial that has ended, once its entries are written. */
  end(trialId: string): Promise<void> {
    this.counts.delete(trialId);
    return this.flush(trialId);
  }

  /** Writes what is pending (for one trial, or all); resolves when it is stored. */
  flush(trialId?: string): Promise<void> {
    const batches = trialId === undefined ? [...this.pending] : [[trialId, this.pending.get(trialId) ?? []] as const];
    for (const [id] of batches) this.pending.delete(id);
    if (this.pending.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // One write at a time keeps each trial's entries in order.
    this.writing = this.writing.then(async () => {
      for (const [id, entries] of batches) await this.write(id, [...entries]).catch((error) => console.error(`trial ${id}: logs not stored:`, error));
    });
    return this.writing;
  }
}
