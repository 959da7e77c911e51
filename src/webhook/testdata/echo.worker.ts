import { parentPort } from 'node:worker_threads';
const n: number = 41;
parentPort?.postMessage(n + 1);
