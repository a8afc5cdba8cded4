/** Worker thread: encodes 8-bit PNGs off the main thread (see encoder-pool.ts). */
import { parentPort } from 'node:worker_threads';
import { encodePalettePng } from './palette-png.js';

/** A job: RGBA pixels to encode. */
interface Job {
  id: number;
  rgba: ArrayBuffer;
  width: number;
  height: number;
}

parentPort?.on('message', (job: Job) => {
  try {
    const png = encodePalettePng(job.rgba, job.width, job.height);
    parentPort!.postMessage({ id: job.id, png }, [png]);
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
});
