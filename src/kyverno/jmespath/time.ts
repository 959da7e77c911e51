// Kyverno's time functions: time_since, time_now, time_now_utc, time_to_cron, time_add, time_parse,
// time_utc, time_diff, time_before, time_after, time_between, time_truncate.
// Mirrors kyverno@v1.10.7:pkg/engine/jmespath/time.go; "now" comes from the injected clock, and the
// local zone is taken to be UTC (as in a Kyverno pod). Errors of time.Parse and time.ParseDuration are
// returned as Go prints them, without a `JMESPath function` prefix (the handlers return them as they are),
// and arguments are read in order, so the first bad one is reported.

import { formatGoDuration, MAX_DURATION, MIN_DURATION, parseGoDurationOrError } from '../../kube/index.js';
import { now, timeParseEpoch } from './environment.js';
import { JmespathError } from './errors.js';
import { formatRfc3339, type GoTime, goTimeParse, RFC3339_LAYOUT, timeFields, truncateTime } from './go-time.js';

// time.Parse(layout, value), its *ParseError text thrown as it is.
function parse(layout: string, value: string): GoTime {
  const t = goTimeParse(layout, value);
  if (typeof t === 'string') throw new JmespathError(t);
  return t;
}

// getTimeArg: time.Parse(time.RFC3339, arg).
function rfc3339(value: unknown): GoTime {
  return parse(RFC3339_LAYOUT, value as string);
}

// time_since: the layout, or RFC 3339 for an empty one.
function withLayout(layout: string, value: string): GoTime {
  return parse(layout === '' ? RFC3339_LAYOUT : layout, value);
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

// strconv.ParseInt(s, 10, 64): an optional sign and decimal digits within the int64 range.
const INT_SYNTAX = /^[+-]?[0-9]+$/;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function parseInt64(s: string): bigint | 'invalid syntax' | 'value out of range' {
  if (!INT_SYNTAX.test(s)) return 'invalid syntax';
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? 'value out of range' : n;
}

/**
 * time_parse(layout, value): RFC 3339 of a value in a Go layout. With the 1.12 switch on
 * (setJmespathTimeParseEpoch), a layout that is an int64 means the value is Unix seconds
 * (kyverno@v1.12.5:pkg/engine/jmespath/time.go jpTimeParse); 1.10.7 has no such branch.
 */
export function timeParse(args: readonly unknown[]): string {
  const [layout, value] = args as [string, string];
  if (timeParseEpoch() && typeof parseInt64(layout) === 'bigint') {
    const seconds = parseInt64(value);
    // strconv.NumError; its %q is approximated by JSON quoting.
    if (typeof seconds === 'string') throw new JmespathError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: ${seconds}`);
    return formatRfc3339({ unixNs: seconds * 1_000_000_000n, offsetSec: 0 });
  }
  return formatRfc3339(parse(layout, value));
}

/** time_utc(time): the same instant in UTC. */
export function timeUtc(args: readonly unknown[]): string {
  return formatRfc3339({ unixNs: rfc3339(args[0]).unixNs, offsetSec: 0 });
}

/** time_diff(start, end): end − start as a Go duration. */
export function timeDiff(args: readonly unknown[]): string {
  const start = rfc3339(args[0]);
  return sub(rfc3339(args[1]), start);
}

/** time_before(a, b): a is strictly before b. */
export function timeBefore(args: readonly unknown[]): boolean {
  const a = rfc3339(args[0]).unixNs;
  return a < rfc3339(args[1]).unixNs;
}

/** time_after(a, b): a is strictly after b. */
export function timeAfter(args: readonly unknown[]): boolean {
  const a = rfc3339(args[0]).unixNs;
  return a > rfc3339(args[1]).unixNs;
}

/** time_between(t, start, end): strictly after start and strictly before end. */
export function timeBetween(args: readonly unknown[]): boolean {
  const t = rfc3339(args[0]).unixNs;
  const start = rfc3339(args[1]).unixNs;
  const end = rfc3339(args[2]).unixNs;
  return t > start && t < end;
}

/** time_truncate(time, duration): rounds down to a multiple of the duration (Time.Truncate). */
export function timeTruncate(args: readonly unknown[]): string {
  return formatRfc3339(truncateTime(rfc3339(args[0]), duration(args[1])));
}
