// One timed case in a worker of its own, so that what V8 compiled for the cases
// timed before it (and the garbage they left) cannot speed it up or slow it down.
// bench.js sends 'run' for each timed run and collects the seconds per pass.

import { parentPort, workerData } from 'node:worker_threads';
import { caseList, runOnce, sinkValue } from './operations.js';

const { data, id, warmup, minWarmupMs, minRunMs } = workerData;
const fn = caseList(data).find((c) => c[0] === id)[3];

let best = Infinity;
const w0 = performance.now();
for (let i = 0; i < warmup || performance.now() - w0 < minWarmupMs; i++) best = Math.min(best, (await runOnce(fn, 1)) * 1000);
const reps = Math.max(1, Math.min(5000, Math.ceil(minRunMs / Math.max(best, 1e-3))));
parentPort.postMessage({ reps });

parentPort.on('message', async (m) => {
  if (m === 'run') parentPort.postMessage({ seconds: await runOnce(fn, reps) });
  else if (m === 'end') parentPort.postMessage({ sink: sinkValue() }), parentPort.close();
});
