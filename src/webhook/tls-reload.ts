// Serving certificate hot reload. Kubernetes updates a mounted Secret by swapping a `..data`
// symlink in the volume's directory (and cert-manager rewrites the Secret), so the directories of
// the two files are watched, not the files, with a poll as a fallback. A changed pair is validated
// (both parse, the key matches the certificate, the certificate has not expired) before it is swapped
// in; a bad pair keeps the old one serving, and is logged and counted once per distinct content — after
// a short settle time, since a writer that replaces one file and then the other is mid-rotation.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { WebhookLogger } from './logger.js';
import type { WebhookMetrics } from './metrics.js';

/** A PEM certificate chain and its key. */
export interface TlsPair {
  cert: string;
  key: string;
}

/** Why a pair cannot serve, or undefined when it can. */
export function keyPairProblem(pair: TlsPair): string | undefined {
  try {
    const cert = new X509Certificate(pair.cert);
    const key = createPrivateKey(pair.key);
    if (!cert.checkPrivateKey(key)) return 'the private key does not match the certificate';
    createSecureContext({ cert: pair.cert, key: pair.key });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Why a certificate chain's serving certificate must not replace a working one: it has expired (the API
 * server would refuse every handshake). Undefined when it is still valid at `now`.
 */
export function expiryProblem(cert: string, now: Date = new Date()): string | undefined {
  try {
    const c = new X509Certificate(cert);
    if (Date.parse(c.validTo) <= now.getTime()) return `the certificate expired on ${c.validTo}`;
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Options of watchTlsFiles. */
export interface TlsWatchOptions {
  certFile: string;
  keyFile: string;
  /** The pair now serving. */
  current: TlsPair;
  apply(pair: TlsPair): void;
  log: WebhookLogger;
  metrics: WebhookMetrics;
  /** Fallback poll interval, ms (default 30 s); 0 disables polling. */
  pollMs?: number;
  /** Quiet time after a change before the files are read, ms (default 200). */
  debounceMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /**
   * How long files that do not form a usable pair are given to become one before they are rejected, ms
   * (default 5000): a writer that replaces the key and then the certificate is mid-rotation, not failing.
   */
  settleMs?: number;
}

/** Watches the certificate and key; returns the function that stops watching, whose `check` reads them now. */
export function watchTlsFiles(o: TlsWatchOptions): (() => void) & { check(): void } {
  let current = o.current;
  let rejected: string | undefined;
  let unsettled: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let settleTimer: NodeJS.Timeout | undefined;
  const check = () => {
    let pair: TlsPair;
    try {
      pair = { cert: readFileSync(o.certFile, 'utf8'), key: readFileSync(o.keyFile, 'utf8') };
    } catch (err) {
      // Mid-swap or briefly missing: the next change or poll reads again.
      o.log.debug({ err: (err as Error).message }, 'TLS files not readable yet');
      return;
    }
    if (pair.cert === current.cert && pair.key === current.key) {
      unsettled = undefined;
      return;
    }
    const fingerprint = `${pair.cert}\u0000${pair.key}`;
    if (fingerprint === rejected) return;
    // An expired certificate would turn every API server call into a handshake failure (the failurePolicy
    // then decides every request): the one serving now is kept.
    const problem = keyPairProblem(pair) ?? expiryProblem(pair.cert, o.now?.() ?? new Date());
    if (problem) {
      if (unsettled !== fingerprint) {
        // Seen for the first time: the other file may be on its way. Rejected only if it is still this pair.
        unsettled = fingerprint;
        const settleMs = o.settleMs ?? 5000;
        o.log.debug({ cert: o.certFile, key: o.keyFile, err: problem, retryInMs: settleMs }, 'new TLS files do not form a usable pair yet; reading them again shortly');
        if (settleTimer) clearTimeout(settleTimer);
        settleTimer = setTimeout(() => {
          settleTimer = undefined;
          check();
        }, settleMs);
        settleTimer.unref();
        return;
      }
      rejected = fingerprint;
      o.metrics.tlsReloads.inc({ result: 'failure' });
      o.log.error({ cert: o.certFile, key: o.keyFile, err: problem }, 'new TLS certificate rejected; keeping the current one');
      return;
    }
    o.apply(pair);
    current = pair;
    rejected = undefined;
    unsettled = undefined;
    o.metrics.tlsReloads.inc({ result: 'success' });
    let notAfter: string | undefined;
    try {
      notAfter = new X509Certificate(pair.cert).validTo;
    } catch {
      // Already validated; the date is only informative.
    }
    o.log.info({ cert: o.certFile, notAfter }, 'TLS certificate reloaded');
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      check();
    }, o.debounceMs ?? 200);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set([dirname(resolve(o.certFile)), dirname(resolve(o.keyFile))])) {
    try {
      const w = watch(dir, { persistent: false }, schedule);
      w.on('error', (err) => o.log.warn({ err: String(err), path: dir }, 'TLS watch error; polling continues'));
      watchers.push(w);
    } catch (err) {
      o.log.warn({ err: String(err), path: dir }, 'cannot watch the TLS directory; polling only');
    }
  }
  const pollMs = o.pollMs ?? 30_000;
  const poll = pollMs > 0 ? setInterval(check, pollMs) : undefined;
  poll?.unref();
  const stop = () => {
    if (timer) clearTimeout(timer);
    if (settleTimer) clearTimeout(settleTimer);
    if (poll) clearInterval(poll);
    for (const w of watchers) w.close();
  };
  return Object.assign(stop, { check });
}
