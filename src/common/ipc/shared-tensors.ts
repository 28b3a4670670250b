import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SharedTensorsSpec } from '../protocols/inference.ts';

/**
 * Input tensors in memory that a frontend and one of its inference workers
 * both map (a file in /dev/shm where there is one), cut into slots: the
 * frontend writes a batch's rows into a slot and sends only the slot's number
 * over IPC. A 64-query MNIST batch is 200 KB, which the IPC pipe's structured
 * clone copied and framed twice per batch, in the frontend's thread too.
 *
 * Each slot belongs to one batch runner of the replica, which writes it only
 * while no batch of its own is in the worker, so a slot is never read and
 * written at once. The file is removed as soon as the worker has mapped it:
 * the mapping outlives the name, and nothing is left behind by a crash.
 *
 * @example
 * const shared = SharedTensors.create(2, 64 * 784);     // frontend
 * await worker.attach(shared.spec);                      // the worker calls SharedTensors.attach(spec)
 * shared.unlink();
 * shared.slot(0, n * 784).set(rows);                     // then send { kind: 'shared', slot: 0, dims }
 */
export class SharedTensors {
  private readonly floats: Float32Array;

  private constructor(readonly spec: SharedTensorsSpec, bytes: Uint8Array) {
    this.floats = new Float32Array(bytes.buffer, bytes.byteOffset, spec.slots * spec.slotFloats);
  }

  /** Makes and maps a new file of `slots` slots of `slotFloats` values each. */
  static create(slots: number, slotFloats: number): SharedTensors {
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rafiki-tensors-'));
    const path = join(dir, 'slots');
    writeFileSync(path, new Uint8Array(slots * slotFloats * Float32Array.BYTES_PER_ELEMENT), { mode: 0o600 });
    return new SharedTensors({ path, slots, slotFloats }, Bun.mmap(path));
  }

  /** Maps the file another process made. */
  static attach(spec: SharedTensorsSpec): SharedTensors {
    return new SharedTensors(spec, Bun.mmap(spec.path));
  }

  /** Whether slot `slot` exists and holds `floats` values. */
  fits(slot: number, floats: number): boolean {
    return slot >= 0 && slot < this.spec.slots && floats <= this.spec.slotFloats;
  }

  /** The first `floats` values of slot `slot`, live in both processes. */
  slot(slot: number, floats: number): Float32Array {
    if (!this.fits(slot, floats)) {
      throw new RangeError(`slot ${slot} of ${this.spec.slots} cannot hold ${floats} values (at most ${this.spec.slotFloats})`);
    }
    return new Float32Array(this.floats.buffer, this.floats.byteOffset + slot * this.spec.slotFloats * Float32Array.BYTES_PER_ELEMENT, floats);
  }

  /** Removes the file (and its folder); both mappings stay valid. */
  unlink(): void {
    rmSync(join(this.spec.path, '..'), { recursive: true, force: true });
  }
}
