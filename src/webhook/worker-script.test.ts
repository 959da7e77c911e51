import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { workerScript } from './worker-script.js';

test('outside the single executable a worker is its .ts file under tsx, its .js file in the tsc build', () => {
  const here = new URL('./server.ts', import.meta.url).href;
  const ts = workerScript('evaluate', () => here);
  assert.match(String(ts.script), /tsx\/dist\/esm\/api\/index\.mjs.*webhook\/evaluate\.worker\.ts/);
  assert.deepEqual(ts.options, { eval: true });
  const js = workerScript('evaluate', () => 'file:///app/dist/webhook/server.js');
  assert.equal(String(js.script), 'file:///app/dist/webhook/evaluate.worker.js');
  assert.deepEqual(js.options, {});
});

test('a .ts worker entry started this way runs under tsx and answers', async () => {
  const dir = new URL('./testdata/', import.meta.url);
  const { script, options } = workerScript('echo', () => new URL('x.ts', dir).href);
  const w = new Worker(script, options);
  const got = await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
  assert.equal(got, 42);
});
