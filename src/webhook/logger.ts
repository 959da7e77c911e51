// Structured JSON logs (pino) for the webhook; every request line carries the review's uid.
import { type DestinationStream, type Logger, pino } from 'pino';

/** The webhook's logger type. */
export type WebhookLogger = Logger;

/** Creates a JSON logger writing to `destination` (stdout by default). */
export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): WebhookLogger {
  const options = { level: opts.level ?? 'info', base: { component: 'podgate-webhook' } };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
