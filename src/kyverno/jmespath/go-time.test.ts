import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRfc3339, goTimeParse, truncateTime } from './go-time.js';

// time.Parse(layout, value) formatted with time.RFC3339, or its error text, with Local = UTC: the output of
// go1.20's src/time/format.go for each input (cases of its format_test.go among them: the day of year, the
// ValueElem of go.dev/issue/56730, "Z" only for Z0700/Z07/Z07:00, no zone-offset range check).
const cases: { layout: string; value: string; want?: string; error?: string }[] = [
  { layout: '2006-01-02', value: '22-10-25', error: 'parsing time "22-10-25" as "2006-01-02": cannot parse "22-10-25" as "2006"' },
  { layout: '2006-002', value: '2023-032', want: '2023-02-01T00:00:00Z' },
  { layout: '2006 __2', value: '2023  32', want: '2023-02-01T00:00:00Z' },
  { layout: '2006 __2', value: '2024 366', want: '2024-12-31T00:00:00Z' },
  { layout: '2006-002', value: '2023-366', error: 'parsing time "2023-366": day-of-year out of range' },
  { layout: '2006-002', value: '2024-060', want: '2024-02-29T00:00:00Z' },
  { layout: '2006-01-02', value: '2023-13-01', error: 'parsing time "2023-13-01": month out of range' },
  { layout: '2006-01-02', value: '2023-02-30', error: 'parsing time "2023-02-30": day out of range' },
  { layout: '2006-01-02', value: '2023-01-02x', error: 'parsing time "2023-01-02x": extra text: "x"' },
  { layout: 'Jan _2 002 2006', value: 'Feb  4 034 2006', error: 'parsing time "Feb  4 034 2006": day-of-year does not match day' },
  { layout: 'Jan _2 002 2006', value: 'Feb  4 004 2006', error: 'parsing time "Feb  4 004 2006": day-of-year does not match month' },
  { layout: '2006-01-02T15:04:05Z07:00', value: '2023-01-01 10:00', error: 'parsing time "2023-01-01 10:00" as "2006-01-02T15:04:05Z07:00": cannot parse " 10:00" as "T"' },
  { layout: '2006-01-02T15:04:05Z07:00', value: '2023-01-01T25:00:00Z', error: 'parsing time "2023-01-01T25:00:00Z": hour out of range' },
  { layout: '2006-01-02T15:04:05Z07:00', value: 'yesterday', error: 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"' },
  { layout: '2006-01-02T15:04:05Z07:00', value: '2023-01-01T00:00:60Z', error: 'parsing time "2023-01-01T00:00:60Z": second out of range' },
  { layout: '2006-01-02T15:04:05Z07:00', value: '2023-01-01T00:00:00+01', error: 'parsing time "2023-01-01T00:00:00+01" as "2006-01-02T15:04:05Z07:00": cannot parse "+01" as "Z07:00"' },
  { layout: '2006-01-02T15:04:05Z07:00', value: '2023-01-01T00:00:00+01:0x', error: 'parsing time "2023-01-01T00:00:00+01:0x" as "2006-01-02T15:04:05Z07:00": cannot parse "+01:0x" as "Z07:00"' },
  { layout: '2006-01-02', value: '2023-01-0\u00e9', error: 'parsing time "2023-01-0\\xc3\\xa9" as "2006-01-02": cannot parse "0\\xc3\\xa9" as "02"' },
  { layout: '1136214245', value: '1666030994', error: 'parsing time "1666030994": month out of range' },
  { layout: '2006-01-02T15:04:05Z07:00', value: '2023-01-01T1:02:03Z', want: '2023-01-01T01:02:03Z' },
  { layout: '2006-01-02T15:04:05Z07:00', value: '2023-01-01T10:00:00,5+24:00', want: '2023-01-01T10:00:00+24:00' },
  { layout: '2006-01-02T15:04:05Z07:00', value: '2023-01-01T10:00:00-00:30', want: '2023-01-01T10:00:00-00:30' },
  { layout: '2006-01-02 15:04:05 -07:00:00', value: '2023-01-01 10:00:00 -00:00:30', want: '2023-01-01T10:00:00+00:00' },
  { layout: '2006-01-02 15:04:05 -07:00:00', value: '2023-01-01 10:00:00 -00:00:01', want: '2023-01-01T10:00:00Z' },
  { layout: '2006-01-02 15:04 MST', value: '2023-01-01 10:00 GMT+5', want: '2023-01-01T15:00:00+05:00' },
  { layout: '2006-01-02 15:04 MST', value: '2023-01-01 10:00 PST', want: '2023-01-01T10:00:00Z' },
  { layout: '2006-01-02T15:04:05Z07:00', value: '0000-02-29T00:00:00Z', want: '0000-02-29T00:00:00Z' },
  { layout: '3:04PM', value: '12:03pM', error: 'parsing time "12:03pM" as "3:04PM": cannot parse "pM" as "PM"' },
  { layout: '06-01-02', value: 'a2-10-25', error: 'parsing time "a2-10-25" as "06-01-02": cannot parse "a2-10-25" as "06"' },
  { layout: '06-01-02', value: '-1-10-25', want: '1999-10-25T00:00:00Z' },
  { layout: 'Mon Jan _2 15:04:05.000 2006', value: 'Thu Feb  4 23:00:59.-123 2010', error: 'parsing time "Thu Feb  4 23:00:59.-123 2010": fractional second out of range' },
  { layout: 'Z07:00:00', value: 'Z', error: 'parsing time "Z" as "Z07:00:00": cannot parse "Z" as "Z07:00:00"' },
  { layout: '2006-01-02T15:04:05Z07:00', value: '2023-01-01T10:00:00+99:99', want: '2023-01-01T10:00:00+100:39' },
  { layout: '2006 002', value: '2023 00', error: 'parsing time "2023 00" as "2006 002": cannot parse "00" as "002"' },
  { layout: '2006"x', value: '2023"y', error: 'parsing time "2023\\"y" as "2006\\"x": cannot parse "y" as "\\"x"' },
  { layout: '2006\u00e9', value: '2023\u00e8', error: 'parsing time "2023\\xc3\\xa8" as "2006\\xc3\\xa9": cannot parse "\\xa8" as "\\xc3\\xa9"' },
  { layout: '2006-01-02', value: '2023-01-0\x01', error: 'parsing time "2023-01-0\\x01" as "2006-01-02": cannot parse "0\\x01" as "02"' },
  { layout: 'Mon Jan _2 15:04:05 MST 2006', value: 'Thu Feb  4 21:00:57 PST 2010', want: '2010-02-04T21:00:57Z' },
  { layout: 'Mon Jan _2 15:04:05 2006', value: 'THU FEB 4 21:00:57 2010', want: '2010-02-04T21:00:57Z' },
  { layout: 'Mon Jan _2 15:04:05 2006', value: 'Thu      Feb     4     21:00:57     2010', want: '2010-02-04T21:00:57Z' },
  { layout: '2006-01-02 15:04:05.999999999 -0700 MST', value: '2010-02-04 21:00:57.012345678 -0800 PST', want: '2010-02-04T21:00:57-08:00' },
  { layout: 'Jan _2 15:04:05.000', value: 'Feb  4 21:00:57.01', error: 'parsing time "Feb  4 21:00:57.01" as "Jan _2 15:04:05.000": cannot parse ".01" as ".000"' },
  { layout: '2006-01-02T15:04:05Z07:00', value: '2010-02-04T21:00:57.0123456789999-08:00', want: '2010-02-04T21:00:57-08:00' },
  { layout: '15:04_20060102', value: '14:38_20150618', want: '2015-06-18T14:38:00Z' },
  { layout: 'Hi Janet, the Month is January: Jan _2 15:04:05 2006', value: 'Hi Janet, the Month is February: Feb  4 21:00:57 2010', want: '2010-02-04T21:00:57Z' },
  { layout: '2006-01-02 15:04:05 MST', value: '2023-01-01 10:00:00 ChST', want: '2023-01-01T10:00:00Z' },
  { layout: '2006-01-02 15:04:05 MST', value: '2023-01-01 10:00:00 +03', want: '2023-01-01T10:00:00Z' },
  { layout: '2006-01-02 15:04:05 MST', value: '2023-01-01 10:00:00 ABCDEF', error: 'parsing time "2023-01-01 10:00:00 ABCDEF" as "2006-01-02 15:04:05 MST": cannot parse "ABCDEF" as "MST"' },
  { layout: '2006-01-02 15:04:05 Z07', value: '2023-01-01 10:00:00 Z', want: '2023-01-01T10:00:00Z' },
  { layout: '2006-01-02 15:04:05 Z070000', value: '2023-01-01 10:00:00 Z', error: 'parsing time "2023-01-01 10:00:00 Z" as "2006-01-02 15:04:05 Z070000": cannot parse "Z" as "Z070000"' },
  { layout: '2006-01-02 15:04:05 -0700', value: '2023-01-01 10:00:00 +01:00', error: 'parsing time "2023-01-01 10:00:00 +01:00" as "2006-01-02 15:04:05 -0700": cannot parse "+01:00" as "-0700"' },
  { layout: '2006-01-02 15:04:05', value: '2023-01-01 10:00:00.5', want: '2023-01-01T10:00:00Z' },
  { layout: '2006-01-02 3PM', value: '2023-01-01 12AM', want: '2023-01-01T00:00:00Z' },
  { layout: '2006-01-02 3pm', value: '2023-01-01 13pm', error: 'parsing time "2023-01-01 13pm": hour out of range' },
  { layout: '02 Jan 06', value: '04 Feb 69', want: '1969-02-04T00:00:00Z' },
  { layout: '200600204 15:04:05', value: '201003504 21:00:57', want: '2010-02-04T21:00:57Z' },
  { layout: '', value: 'x', error: 'parsing time "x": extra text: "x"' },
  { layout: '', value: '', want: '0000-01-01T00:00:00Z' },
];
for (const c of cases) {
  test(`goTimeParse(${JSON.stringify(c.layout)}, ${JSON.stringify(c.value)})`, () => {
    const t = goTimeParse(c.layout, c.value);
    if (c.error !== undefined) assert.equal(t, c.error);
    else assert.equal(typeof t === 'string' ? t : formatRfc3339(t), c.want);
  });
}

// Time.Format(time.RFC3339): appendInt's sign before the zero padding, the offset's sign from whole minutes.
const formats: { unixNs: bigint; offsetSec: number; want: string }[] = [
  { unixNs: 0n, offsetSec: 0, want: '1970-01-01T00:00:00Z' },
  { unixNs: -62_167_219_200n * 1_000_000_000n - 3_600_000_000_000n, offsetSec: 0, want: '-0001-12-31T23:00:00Z' },
  { unixNs: 253_402_300_800n * 1_000_000_000n, offsetSec: 0, want: '10000-01-01T00:00:00Z' },
  { unixNs: 0n, offsetSec: -30, want: '1969-12-31T23:59:30+00:00' },
  { unixNs: 0n, offsetSec: -2048, want: '1969-12-31T23:25:52-00:34' },
  { unixNs: -1n, offsetSec: 19_800, want: '1970-01-01T05:29:59+05:30' },
];
for (const f of formats) {
  test(`formatRfc3339 of ${f.unixNs}ns at ${f.offsetSec}s is ${f.want}`, () => assert.equal(formatRfc3339({ unixNs: f.unixNs, offsetSec: f.offsetSec }), f.want));
}

test('truncateTime rounds the instant (not the local clock) down and keeps the offset', () => {
  const t = goTimeParse('2006-01-02T15:04:05Z07:00', '2023-02-02T15:30:45+05:30');
  assert.ok(typeof t !== 'string');
  assert.equal(formatRfc3339(truncateTime(t, 3_600_000_000_000n)), '2023-02-02T15:30:00+05:30');
  assert.equal(formatRfc3339(truncateTime(t, 0n)), '2023-02-02T15:30:45+05:30');
});
