// Kyverno's JMESPath time functions on the user's path (`podgate apply`): the values and the error texts
// a deny condition or a message gets from them. Kyverno 1.10.7 (pkg/engine/jmespath/time.go) hands Go's
// time.Parse and time.ParseDuration errors through unwrapped (no `JMESPath function '…':` prefix); the
// variable substitution adds `failed to resolve <expr> at path <path>: `. The expected texts are what Go
// 1.20's src/time/format.go (Parse, ParseError.Error, quote, ParseDuration) prints for these inputs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { type ExpressionCase, expressionCaseTests } from '../helpers/expression-cases.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-time-functions-'));

interface Case extends ExpressionCase {
  /** Kyverno versions the case holds for; both when absent. */
  versions?: readonly ('1.10' | '1.12')[];
}

const RFC = '2006-01-02T15:04:05Z07:00';
const cases: Case[] = [
  // time.Parse: "cannot parse" names the value element and the layout element (ValueElem is the value
  // where the element began, go.dev/issue/56730).
  { name: 'a short year', expr: "time_parse('2006-01-02', '22-10-25')", error: 'parsing time "22-10-25" as "2006-01-02": cannot parse "22-10-25" as "2006"' },
  { name: 'a two-digit day of year for 002', expr: "time_parse('2006 002', '2023 00')", error: 'parsing time "2023 00" as "2006 002": cannot parse "00" as "002"' },
  { name: 'a wrong-case PM', expr: "time_parse('3:04PM', '12:03pM')", error: 'parsing time "12:03pM" as "3:04PM": cannot parse "pM" as "PM"' },
  { name: 'a non-ASCII byte is printed as \\x escapes', expr: "time_parse('2006-01-02', '2023-01-0é')", error: 'parsing time "2023-01-0\\xc3\\xa9" as "2006-01-02": cannot parse "0\\xc3\\xa9" as "02"' },
  { name: 'a bad zone offset names the whole offset', expr: `time_parse('${RFC}', '2023-01-01T00:00:00+01:0x')`, error: `parsing time "2023-01-01T00:00:00+01:0x" as "${RFC}": cannot parse "+01:0x" as "Z07:00"` },
  // The messages without element names.
  { name: 'day of year out of range', expr: "time_parse('2006-002', '2023-366')", error: 'parsing time "2023-366": day-of-year out of range' },
  { name: 'day of year against the day', expr: "time_parse('Jan _2 002 2006', 'Feb  4 034 2006')", error: 'parsing time "Feb  4 034 2006": day-of-year does not match day' },
  { name: 'month out of range', expr: "time_parse('2006-01-02', '2023-13-01')", error: 'parsing time "2023-13-01": month out of range' },
  { name: 'day out of range', expr: "time_parse('2006-01-02', '2023-02-30')", error: 'parsing time "2023-02-30": day out of range' },
  { name: 'extra text', expr: "time_parse('2006-01-02', '2023-01-02x')", error: 'parsing time "2023-01-02x": extra text: "x"' },
  // Kyverno 1.10's time_parse has no Unix-seconds layout (kyverno PR #9173 is 1.12): time.Parse reads
  // "1136214245" as a layout (1 = month, 3 = hour, 4 = minute, ...).
  { name: 'an integer layout is a Go layout (1.10)', expr: "time_parse('1136214245', '1666030994')", error: 'parsing time "1666030994": month out of range', versions: ['1.10'] },
  { name: 'an integer layout reads Unix seconds (1.12)', expr: "time_parse('1136214245', '1666030994')", value: '2022-10-17T18:23:14Z', versions: ['1.12'] },
  // The functions that read RFC 3339 arguments.
  { name: 'time_to_cron of a time without T', expr: "time_to_cron('2023-01-01 10:00')", error: `parsing time "2023-01-01 10:00" as "${RFC}": cannot parse " 10:00" as "T"` },
  { name: 'time_utc of hour 25', expr: "time_utc('2023-01-01T25:00:00Z')", error: 'parsing time "2023-01-01T25:00:00Z": hour out of range' },
  { name: 'time_before of a word', expr: "time_before('2023-01-01T00:00:00Z', 'yesterday')", error: `parsing time "yesterday" as "${RFC}": cannot parse "yesterday" as "2006"` },
  { name: 'time_after of second 60', expr: "time_after('2023-01-01T00:00:60Z', '2023-01-01T00:00:00Z')", error: 'parsing time "2023-01-01T00:00:60Z": second out of range' },
  { name: 'time_between of an hour-only offset', expr: "time_between('2023-01-01T00:00:00Z', '2023-01-01T00:00:00+01', '2023-01-02T00:00:00Z')", error: `parsing time "2023-01-01T00:00:00+01" as "${RFC}": cannot parse "+01" as "Z07:00"` },
  { name: 'time_diff reports its first argument first', expr: "time_diff('first', 'second')", error: `parsing time "first" as "${RFC}": cannot parse "first" as "2006"` },
  { name: 'time_since reads its end with the layout', expr: "time_since('', '2023-01-01T00:00:00Z', 'later')", error: `parsing time "later" as "${RFC}": cannot parse "later" as "2006"` },
  { name: 'time_add reports the time before the duration', expr: "time_add('2023-01-01T00:00:00', '1y')", error: `parsing time "2023-01-01T00:00:00" as "${RFC}": cannot parse "" as "Z07:00"` },
  // time.ParseDuration.
  { name: 'time_add with an unknown unit', expr: "time_add('2023-01-01T00:00:00Z', '1y')", error: 'time: unknown unit "y" in duration "1y"' },
  { name: 'time_add without a unit', expr: "time_add('2023-01-01T00:00:00Z', '1')", error: 'time: missing unit in duration "1"' },
  { name: 'time_add of a word', expr: "time_add('2023-01-01T00:00:00Z', 'x')", error: 'time: invalid duration "x"' },
  { name: 'time_truncate with a non-ASCII unit', expr: "time_truncate('2023-01-01T00:00:00Z', '1µ')", error: 'time: unknown unit "\\xc2\\xb5" in duration "1\\xc2\\xb5"' },
  // Values: day-of-year layouts, one-digit hours, GMT offsets, years before 1.
  { name: 'the zero-padded day of year', expr: "time_parse('2006-002', '2023-032')", value: '2023-02-01T00:00:00Z' },
  { name: 'the space-padded day of year', expr: "time_parse('2006 __2', '2024 366')", value: '2024-12-31T00:00:00Z' },
  { name: 'day 60 of a leap year is February 29', expr: "time_parse('2006-002', '2024-060')", value: '2024-02-29T00:00:00Z' },
  { name: 'RFC 3339 parsing takes a one-digit hour', expr: "time_utc('2023-01-01T1:02:03+01:00')", value: '2023-01-01T00:02:03Z' },
  { name: 'a GMT+n zone keeps the clock and shows the offset', expr: "time_parse('2006-01-02 15:04 MST', '2023-01-01 10:00 GMT+5')", value: '2023-01-01T15:00:00+05:00' },
  { name: 'a year before 1 prints with a sign', expr: "time_add('0000-01-01T00:00:00Z', '-1h')", value: '-0001-12-31T23:00:00Z' },
];

for (const version of ['1.10', '1.12'] as const) {
  describe(`podgate apply --kyverno-version ${version}: time functions (kyverno@v1.10.7 time.go, go1.20 time/format.go)`, () => {
    expressionCaseTests(dir, 'times', cases.filter((c) => c.versions === undefined || c.versions.includes(version)), version);
  });
}
