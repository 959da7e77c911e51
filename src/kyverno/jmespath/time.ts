// Kyverno's time functions: time_since, time_now, time_now_utc, time_to_cron, time_add, time_parse,
// time_utc, time_diff, time_before, time_after, time_between, time_truncate.
// Mirrors kyverno@v1.10.7:pkg/engine/jmespath/time.go; "now" comes from the injected clock, and the
// local zone is taken to be UTC (as in a Kyverno pod).

import { formatGoDuration, MAX_DURATION, MIN_DURATION, parseGoDurationOrError } from '../../kube/index.js';
import { now } from './environment.js';
import { JmespathError } from './errors.js';
import { formatRfc3339, type GoTime, parseGoLayout, parseRfc3339, timeFields, truncateTime } from './go-time.js';

const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';

function parseError(layout: string, value: string): JmespathError {
  return new JmespathError(`parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse`);
}

function rfc3339(value: unknown): GoTime {
  const t = parseRfc3339(value as string);
  if (!t) throw parseError(RFC3339_LAYOUT, value as string);
  return t;
}

function withLayout(layout: string, value: string): GoTime {
  const t = layout === '' ? parseRfc3339(value) : parseGoLayout(layout, value);
  if (!t) throw parseError(layout || RFC3339_LAYOUT, value);
  return t;
}

// time.ParseDuration; Kyverno returns its error unwrapped.
function duration(value: unknown): bigint {
  const d = parseGoDurationOrError(value as string);
  if (typeof d === 'string') throw new JmespathError(d);
  return d;
}

function nowTime(): GoTime {
  return { unixNs: BigInt(now().getTime()) * 1_000_000n, offsetSec: 0 };
}

// Time.Sub saturates at the int64 duration limits instead of wrapping.
function sub(a: GoTime, b: GoTime): string {
  const d = a.unixNs - b.unixNs;
  let clamped = d;
  if (clamped > MAX_DURATION) clamped = MAX_DURATION;
  if (clamped < MIN_DURATION) clamped = MIN_DURATION;
  return formatGoDuration(clamped);
}

/** time_since(layout, start, end): end − start as a Go duration; an empty end means now. */
export function timeSince(args: readonly unknown[]): string {
  const [layout, ts1, ts2] = args as [string, string, string];
  const t1 = withLayout(layout, ts1);
  const t2 = ts2 === '' ? nowTime() : withLayout(layout, ts2);
  return sub(t2, t1);
}

/** time_now(): the injected clock in RFC 3339 (local zone = UTC). */
export function timeNow(): string {
  return formatRfc3339(nowTime());
}

/** time_now_utc(): the injected clock in RFC 3339 UTC. */
export function timeNowUtc(): string {
  return formatRfc3339(nowTime());
}

/** time_to_cron(time): "minute hour day month weekday" in the time's own zone. */
export function timeToCron(args: readonly unknown[]): string {
  const f = timeFields(rfc3339(args[0]));
  return `${f.minute} ${f.hour} ${f.day} ${f.month} ${f.weekday}`;
}

/** time_add(time, duration): RFC 3339 of time + duration, keeping the zone. */
export function timeAdd(args: readonly unknown[]): string {
  const t = rfc3339(args[0]);
  return formatRfc3339({ unixNs: t.unixNs + duration(args[1]), offsetSec: t.offsetSec });
}

/** time_parse(layout, value): RFC 3339 of a value in a Go layout; an integer layout means Unix seconds. */
export function timeParse(args: readonly unknown[]): string {
  const [layout, value] = args as [string, string];
  if (/^[+-]?[0-9]+$/.test(layout)) {
    if (!/^[+-]?[0-9]+$/.test(value)) throw new JmespathError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
    return formatRfc3339({ unixNs: BigInt(value) * 1_000_000_000n, offsetSec: 0 });
  }
  return formatRfc3339(withLayout(layout, value));
}

/** time_utc(time): the same instant in UTC. */
export function timeUtc(args: readonly unknown[]): string {
  return formatRfc3339({ unixNs: rfc3339(args[0]).unixNs, offsetSec: 0 });
}

/** time_diff(start, end): end − start as a Go duration. */
export function timeDiff(args: readonly unknown[]): string {
  return sub(rfc3339(args[1]), rfc3339(args[0]));
}

/** time_before(a, b): a is strictly before b. */
export function timeBefore(args: readonly unknown[]): boolean {
  return rfc3339(args[0]).unixNs < rfc3339(args[1]).unixNs;
}

/** time_after(a, b): a is strictly after b. */
export function timeAfter(args: readonly unknown[]): boolean {
  return rfc3339(args[0]).unixNs > rfc3339(args[1]).unixNs;
}

/** time_between(t, start, end): strictly after start and strictly before end. */
export function timeBetween(args: readonly unknown[]): boolean {
  const t = rfc3339(args[0]).unixNs;
  return t > rfc3339(args[1]).unixNs && t < rfc3339(args[2]).unixNs;
}

/** time_truncate(time, duration): rounds down to a multiple of the duration (Time.Truncate). */
export function timeTruncate(args: readonly unknown[]): string {
  return formatRfc3339(truncateTime(rfc3339(args[0]), duration(args[1])));
}
