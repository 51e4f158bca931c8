/**
 * A worker thread of `xmime convert`: runs the jobs the pool sends, one at a
 * time, and reports progress and results.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import '../host.js';
import { runJob, type Job, type JobOptions } from './job.js';

parentPort!.on('message', (m: { job: Job; options: JobOptions }) => {
  let pending = 0;
  let last = Date.now();
  const progress = (bytes: number): void => {
    pending += bytes;
    const now = Date.now();
    if (now - last >= 100) {
      parentPort!.postMessage({ type: 'progress', bytes: pending });
      pending = 0;
      last = now;
    }
  };
  void runJob(m.job, m.options, progress).then((result) => {
    if (pending > 0) parentPort!.postMessage({ type: 'progress', bytes: pending });
    parentPort!.postMessage({ type: 'done', result });
  });
});
