// `npm run bench -- soak` (not in CI): 60 s at 1,000 reviews/s against the 17 PSS restricted
// policies; zero errors and stable memory expected (RSS sampled every 10 s). Last line: JSON.
import { load, PSS_RESTRICTED, startServer } from './_webhook-load.js';

const server = await startServer(PSS_RESTRICTED);
const rss: number[] = [];
let total = 0;
let errors = 0;
for (let i = 0; i < 6; i++) {
  const r = await load(server.port, 10, 1000);
  total += r.requests;
  errors += r.errors + r.non2xx;
  rss.push(Math.round((await server.rss()) / 1048576));
  console.error(`t=${(i + 1) * 10}s requests ${r.requests} p99 ${r.p99} ms errors ${r.errors + r.non2xx} RSS ${rss.at(-1)} MiB`);
}
await server.stop();
console.log(JSON.stringify({ seconds: 60, requests: total, errors, rssMiB: rss, rssGrowthMiB: (rss.at(-1) ?? 0) - (rss[0] ?? 0) }));
