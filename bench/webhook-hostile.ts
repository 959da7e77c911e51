// `npm run bench -- webhook-hostile`: issue 13 point 3 against `podgate serve` in its own process
// (dist/ when built, else tsx): the pathological reviews (20,000 volumeMounts vs nested foreach +
// AnyNotIn, 60,000 ports vs AnyIn, a 2.9 MB label vs `*aaa…b`) with a budget, while /healthz is
// probed every 10 ms; then 16 concurrent ~2.9 MiB reviews while the server's RSS is sampled.
// Reports each answer's time against the budget, the worst /healthz delay and peak RSS. Last line: JSON.
import { readFileSync } from 'node:fs';
import { fork } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { type Agent, request } from 'node:https';
import { bigPod, goodPod, HOSTILE_POLICIES, labelPod, mountsPod, portsPod, slowLabelPod } from '../test/webhook/hostile-reviews.js';
import { startServe } from './_webhook-load.js';

process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? '2000');
const rounds = Number(process.env.BENCH_ROUNDS ?? '3');

function post(port: number, path: string, body: string, agent?: Agent): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', rejectUnauthorized: false, headers: { 'content-type': 'application/json' }, ...(agent ? { agent } : { agent: false }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end(body || undefined);
  });
}

const vm = (pid: number, key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** The server's metrics; each scrape resets the event-loop lag histogram (prom-client). */
const scrape = () =>
  new Promise<string>((resolve, reject) => {
    httpGet(`http://127.0.0.1:${server.metricsPort}/metrics`, (res) => {
      let t = '';
      res.on('data', (c) => {
        t += c;
      });
      res.on('end', () => resolve(t));
    }).on('error', reject);
  });

const server = await startServe([HOSTILE_POLICIES], ['--eval-timeout', `${budgetMs}ms`]);
const pid = server.pid ?? 0;
const bodies = { mounts: mountsPod('mounts'), ports: portsPod('ports'), label: labelPod('label'), slow: slowLabelPod('slow'), good: goodPod('good') };
const big = Array.from({ length: 16 }, (_, i) => bigPod(`big-${i}`));
await scrape(); // start-up is not what is measured
// /healthz is probed from its own process: this one is busy writing MBs of TLS.
const prober = fork(new URL('./_health-probe.ts', import.meta.url).pathname, [String(server.port)], { execArgv: ['--import', 'tsx'] });
await new Promise((r) => prober.once('message', r));
let rssPeak = 0;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, vm(pid, 'VmRSS'));
}, 20);
const results: { uid: string; status: number; ms: number; allowed?: boolean; code?: number }[] = [];
const readyWait = async () => {
  while ((await post(server.port, '/readyz', '')).status !== 200) await new Promise((r) => setTimeout(r, 50));
};
for (let round = 0; round < rounds; round++) {
  await readyWait();
  const answers = await Promise.all(
    Object.entries(bodies).map(async ([uid, body]) => {
      const a = await post(server.port, '/validate', body);
      const r = a.status === 200 ? (JSON.parse(a.body) as { response: { allowed: boolean; status?: { code: number } } }).response : undefined;
      return { uid: `${uid}#${round}`, status: a.status, ms: Math.round(a.ms), ...(r ? { allowed: r.allowed, ...(r.status ? { code: r.status.code } : {}) } : {}) };
    }),
  );
  results.push(...answers);
}
await readyWait();
const rssPeakHostile = rssPeak;
rssPeak = 0;
const rssBefore = vm(pid, 'VmRSS');
const bigAnswers = await Promise.all(big.map((b) => post(server.port, '/validate', b)));
const rssAfterBig = vm(pid, 'VmRSS');
clearInterval(sampler);
const delays = await new Promise<number[]>((r) => {
  prober.once('message', (m: { delays: number[] }) => r(m.delays));
  prober.send('stop');
});
const hwm = vm(pid, 'VmHWM');
const metrics = await scrape();
const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
const loopMaxMs = Math.round(metric('nodejs_eventloop_lag_max_seconds') * 1000);
// The server's own clock: from arrival (headers received) to the failurePolicy answer.
const serverMs = (server.overruns?.() ?? []).map((l) => Number(l.ms));
await server.stop();
const overBudget = results.map((r) => r.ms - budgetMs);
const out = {
  runtime: server.runtime,
  budgetMs,
  reviews: results,
  worstOverBudgetMs: Math.max(...overBudget),
  serverSide: { overruns: serverMs.length, worstOverBudgetMs: Math.max(...serverMs) - budgetMs },
  allHttp200: results.every((r) => r.status === 200),
  healthz: { probes: delays.length, worstMs: Math.round(Math.max(...delays)), p99Ms: Math.round(delays.sort((a, b) => a - b)[Math.floor(delays.length * 0.99)] ?? 0) },
  big16: { statuses: [...new Set(bigAnswers.map((a) => a.status))], worstMs: Math.round(Math.max(...bigAnswers.map((a) => a.ms))), rssBeforeMiB: Math.round(rssBefore), rssAfterMiB: Math.round(rssAfterBig) },
  rssPeakSampledMiB: { hostileRounds: Math.round(rssPeakHostile), big16: Math.round(rssPeak) },
  serverEventLoopLagMaxMs: loopMaxMs,
  budgetExceeded: [...metrics.matchAll(/^podgate_admission_budget_exceeded_total\{(.*)\} (\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`),
  rssHighWaterMiB: Math.round(hwm),
};
console.error(`budget ${budgetMs} ms: worst answer ${out.worstOverBudgetMs} ms over budget client-side (upload included), ${out.serverSide.worstOverBudgetMs} ms server-side (from arrival, ${serverMs.length} overruns); /healthz worst ${out.healthz.worstMs} ms (server event-loop lag max ${loopMaxMs} ms); 16×2.9 MiB: ${out.big16.statuses.join(',')} in ≤${out.big16.worstMs} ms; RSS peak ${out.rssHighWaterMiB} MiB (VmHWM)`);
console.log(JSON.stringify(out));
