// Child process of bench/webhook-hostile.ts: probes GET /healthz every 10 ms over one keep-alive
// connection, in its own process so the load generator's work never delays a probe. Sends the
// delays (ms) over IPC when told to stop.
import { Agent, request } from 'node:https';

const port = Number(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const delays: number[] = [];
let probing = true;
process.on('message', (m) => {
  if (m === 'stop') probing = false;
});
const probe = () =>
  new Promise<number>((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`/healthz ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
process.send?.('started');
while (probing) {
  delays.push(await probe());
  await new Promise((r) => setTimeout(r, 10));
}
agent.destroy();
process.send?.({ delays });
process.disconnect?.();
