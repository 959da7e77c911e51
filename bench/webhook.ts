// `npm run bench -- webhook`: the HTTPS webhook on loopback, load from this (separate) process with
// autocannon: the 17 PSS restricted policies in Enforce vs the same server with a policy matching
// nothing, at 1,000 reviews/s (p50/p99) and saturated, plus server RSS. The server is `node
// dist/bin.js serve` when `npm run build` has emitted dist/ (BENCH_TSX=1: sources via tsx). Last line: JSON.
import { cpus } from 'node:os';
import { cpuSeconds, load, NO_MATCH, PSS_RESTRICTED, startServer } from './_webhook-load.js';

const seconds = Number(process.env.BENCH_SECONDS ?? '10');
const out: Record<string, unknown> = { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, seconds };
for (const [name, policies] of [['none', NO_MATCH], ['pss17', PSS_RESTRICTED]] as const) {
  const server = await startServer(policies);
  out.runtime = server.runtime;
  await load(server.port, 2, 500); // warm-up: JIT, TLS sessions, compiled patterns
  const at1000 = await load(server.port, seconds, 1000);
  const cpu0 = server.pid ? cpuSeconds(server.pid) : 0;
  const t0 = performance.now();
  const saturated = await load(server.port, seconds, undefined, 32);
  // Cores the server used while saturated (all its threads): above 1 means evaluation ran beside the HTTP thread.
  const cores = server.pid ? Math.round(((cpuSeconds(server.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100) / 100 : undefined;
  const rss = await server.rss();
  await server.stop();
  out[name] = { at1000, saturated: { rps: saturated.rps, p50: saturated.p50, p99: saturated.p99, errors: saturated.errors, non2xx: saturated.non2xx, serverCores: cores }, rssMiB: Math.round(rss / 1048576) };
  console.error(`${name}: 1000/s p50 ${at1000.p50} ms p99 ${at1000.p99} ms errors ${at1000.errors}; saturated ${saturated.rps}/s (non-2xx ${saturated.non2xx}, server used ${cores} cores); RSS ${Math.round(rss / 1048576)} MiB`);
}
const none = out.none as { at1000: { p99: number }; saturated: { rps: number } };
const pss = out.pss17 as { at1000: { p99: number; p50: number }; saturated: { rps: number }; rssMiB: number };
out.summary = {
  p50_ms_at_1000: pss.at1000.p50,
  p99_ms_at_1000: pss.at1000.p99,
  p99_ratio_vs_no_policy: Math.round((pss.at1000.p99 / Math.max(none.at1000.p99, 0.001)) * 100) / 100,
  saturated_rps: pss.saturated.rps,
  saturated_ratio_vs_no_policy: Math.round((pss.saturated.rps / Math.max(none.saturated.rps, 1)) * 100) / 100,
  rss_mib: pss.rssMiB,
};
console.log(JSON.stringify(out));
