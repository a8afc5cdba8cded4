/**
 * A small pool of worker threads for 8-bit PNG encoding (palette quantisation is ~20 ms of
 * JavaScript per 256×256 tile, too long for the main thread). Workers start on first use, do not
 * keep the process alive, and are replaced if they die.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

interface Pending {
  resolve: (png: Buffer) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Ids of the jobs it is working on. */
  jobs: Set<number>;
}

interface Job {
  id: number;
  rgba: ArrayBuffer;
  width: number;
  height: number;
}

/** Worker threads that encode palette PNGs. */
export class PaletteEncoderPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly size = Math.max(1, Math.min(2, availableParallelism()))) {}

  /** Encodes RGBA pixels (the buffer is transferred to the worker) as an 8-bit PNG. */
  encode(rgba: ArrayBuffer, width: number, height: number): Promise<Buffer> {
    return this.run(this.pick(), rgba, width, height);
  }

  private run(slot: Slot, rgba: ArrayBuffer, width: number, height: number): Promise<Buffer> {
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.jobs.add(id);
      slot.worker.ref();
      const job: Job = { id, rgba, width, height };
      slot.worker.postMessage(job, [rgba]);
    });
  }

  /** Starts every worker and runs a few small jobs through each (JIT warm-up: the first encodes are several times slower). */
  async warmUp(): Promise<void> {
    while (this.slots.length < this.size) this.spawn();
    const sample = (): ArrayBuffer => {
      const px = new Uint8Array(96 * 96 * 4);
      for (let i = 0; i < px.length; i++) px[i] = (i * 37 + (i >> 7) * 11) & 255;
      return px.buffer;
    };
    for (let round = 0; round < 3; round++) {
      await Promise.all(this.slots.map((slot) => this.run(slot, sample(), 96, 96)));
    }
  }

  /** Stops the workers (tests, shutdown); the pool restarts them if used again. */
  async close(): Promise<void> {
    const workers = this.slots.splice(0).map((s) => s.worker);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private pick(): Slot {
    if (this.slots.length < this.size) {
      const idle = this.slots.find((s) => s.jobs.size === 0);
      if (idle) return idle;
      return this.spawn();
    }
    return this.slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./palette-worker.js', import.meta.url));
    const slot: Slot = { worker, jobs: new Set() };
    worker.unref();
    worker.on('message', (msg: { id: number; png?: ArrayBuffer; error?: string }) => {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      slot.jobs.delete(msg.id);
      if (slot.jobs.size === 0) worker.unref();
      if (!p) return;
      if (msg.png) p.resolve(Buffer.from(msg.png));
      else p.reject(new Error(`8-bit PNG encoding failed: ${msg.error ?? 'unknown error'}`));
    });
    worker.on('error', (err) => this.fail(slot, err));
    worker.on('exit', (code) => {
      if (code !== 0) this.fail(slot, new Error(`8-bit PNG encoder exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  /** A dead worker fails the jobs it was doing and leaves the pool (the next job starts a new one). */
  private fail(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    for (const id of slot.jobs) {
      this.pending.get(id)?.reject(err);
      this.pending.delete(id);
    }
    slot.jobs.clear();
  }
}
