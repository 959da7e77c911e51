// Go time values for Kyverno's time functions: RFC 3339 parsing/printing, time.Parse with Go
// reference layouts ("2006-01-02 15:04:05 MST"), and Time.Truncate. Mirrors go@1.20:src/time/format.go
// (Parse, nextStdChunk, formatting of RFC3339) and time.go (Truncate, Sub) over bigint nanoseconds.

/** An instant in Unix nanoseconds plus the zone offset it was written with. */
export interface GoTime {
  readonly unixNs: bigint;
  readonly offsetSec: number;
}

const NS = 1_000_000_000n;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function makeTime(y: number, mo: number, d: number, h: number, mi: number, s: number, ns: bigint, offsetSec: number): GoTime | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return { unixNs: BigInt(date.getTime()) * 1_000_000n + ns - BigInt(offsetSec) * NS, offsetSec };
}

function fractionNs(digits: string): bigint {
  return BigInt((digits + '000000000').slice(0, 9));
}

const RFC3339 = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:[.,]([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})$/;

/** time.Parse(time.RFC3339, s); undefined on error. */
export function parseRfc3339(s: string): GoTime | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m as unknown as string[];
  const offset = zone === 'Z' ? 0 : zoneOffset(zone!);
  if (offset === undefined) return undefined;
  return makeTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec), fractionNs(frac ?? ''), offset);
}

function zoneOffset(z: string): number | undefined {
  const m = /^([+-])([0-9]{2}):?([0-9]{2})?:?([0-9]{2})?$/.exec(z);
  if (!m) return undefined;
  const h = Number(m[2]);
  const mi = Number(m[3] ?? '0');
  const s = Number(m[4] ?? '0');
  if (h > 24 || mi > 59 || s > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (h * 3600 + mi * 60 + s);
}

/** Time.Format(time.RFC3339): seconds precision, "Z" for a zero offset. */
export function formatRfc3339(t: GoTime): string {
  const localMs = Number(floorDiv(t.unixNs, 1_000_000n)) + t.offsetSec * 1000;
  const d = new Date(localMs);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const year = d.getUTCFullYear();
  let zone = 'Z';
  if (t.offsetSec !== 0) {
    const abs = Math.abs(t.offsetSec);
    zone = `${t.offsetSec < 0 ? '-' : '+'}${p(Math.floor(abs / 3600))}:${p(Math.floor((abs % 3600) / 60))}`;
  }
  return `${p(year, 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${zone}`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Local fields of a time: minute, hour, day, month (1-12) and weekday (0 = Sunday). */
export function timeFields(t: GoTime): { minute: number; hour: number; day: number; month: number; weekday: number } {
  const d = new Date(Number(floorDiv(t.unixNs, 1_000_000n)) + t.offsetSec * 1000);
  return { minute: d.getUTCMinutes(), hour: d.getUTCHours(), day: d.getUTCDate(), month: d.getUTCMonth() + 1, weekday: d.getUTCDay() };
}

// Seconds from Go's zero time (0001-01-01 UTC) to the Unix epoch: Truncate counts from year 1.
const ZERO_TO_UNIX_NS = 62_135_596_800n * NS;

/** Time.Truncate(d): rounds down to a multiple of d since Go's zero time; d <= 0 returns t unchanged. */
export function truncateTime(t: GoTime, d: bigint): GoTime {
  if (d <= 0n) return t;
  const abs = t.unixNs + ZERO_TO_UNIX_NS;
  return { unixNs: t.unixNs - (((abs % d) + d) % d), offsetSec: t.offsetSec };
}

// Layout elements, longest first so "January" wins over "Jan" and "2006" over "2".
const CHUNKS = [
  'January', 'Monday', 'Z07:00:00', '-07:00:00', 'Z070000', '-070000', 'Z07:00', '-07:00', 'Z0700', '-0700', '2006', '__2',
  'Jan', 'Mon', 'MST', 'Z07', '-07', '002', '01', '02', '03', '04', '05', '06', '15', '_2', 'PM', 'pm', '1', '2', '3', '4', '5',
];

/** time.Parse(layout, value) for the common Go layout elements; undefined when Go would fail. */
export function parseGoLayout(layout: string, value: string): GoTime | undefined {
  let y = 1;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let ns = 0n;
  let offset: number | undefined;
  let pm: boolean | undefined;
  let v = value;
  let i = 0;
  const num = (min: number, max: number): number | undefined => {
    const m = new RegExp(`^[0-9]{${min},${max}}`).exec(v);
    if (!m) return undefined;
    v = v.slice(m[0].length);
    return Number(m[0]);
  };
  while (i < layout.length) {
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (frac) {
      const m = /^[.,]([0-9]+)/.exec(v);
      if (frac[1]![0] === '0' && (!m || m[1]!.length !== frac[1]!.length)) return undefined;
      if (m) {
        ns = fractionNs(m[1]!);
        v = v.slice(m[0].length);
      }
      i += frac[0].length;
      continue;
    }
    const chunk = CHUNKS.find((c) => layout.startsWith(c, i));
    if (chunk === undefined) {
      if (v[0] !== layout[i]) return undefined;
      v = v.slice(1);
      i++;
      continue;
    }
    i += chunk.length;
    let n: number | undefined;
    switch (chunk) {
      case '2006':
        n = num(4, 4);
        if (n !== undefined) y = n;
        break;
      case '06':
        n = num(2, 2);
        if (n !== undefined) y = n >= 69 ? 1900 + n : 2000 + n;
        break;
      case 'January':
      case 'Jan': {
        const names = chunk === 'Jan' ? MONTHS.map((x) => x.slice(0, 3)) : MONTHS;
        const idx = names.findIndex((x) => v.toLowerCase().startsWith(x.toLowerCase()));
        if (idx < 0) return undefined;
        v = v.slice(names[idx]!.length);
        n = mo = idx + 1;
        break;
      }
      case 'Monday':
      case 'Mon': {
        const names = chunk === 'Mon' ? DAYS.map((x) => x.slice(0, 3)) : DAYS;
        const idx = names.findIndex((x) => v.toLowerCase().startsWith(x.toLowerCase()));
        if (idx < 0) return undefined;
        v = v.slice(names[idx]!.length);
        n = idx;
        break;
      }
      case '01':
      case '1':
        n = chunk === '01' ? num(2, 2) : num(1, 2);
        if (n !== undefined) mo = n;
        break;
      case '02':
      case '2':
      case '_2':
      case '__2':
        if (chunk === '_2' && v[0] === ' ') v = v.slice(1);
        n = chunk === '02' ? num(2, 2) : num(1, 2);
        if (n !== undefined) d = n;
        break;
      case '002':
        n = num(3, 3);
        break;
      case '15':
        n = num(1, 2);
        if (n !== undefined) h = n;
        break;
      case '03':
      case '3':
        n = chunk === '03' ? num(2, 2) : num(1, 2);
        if (n !== undefined && n > 12) return undefined;
        if (n !== undefined) h = n;
        break;
      case '04':
      case '4':
        n = chunk === '04' ? num(2, 2) : num(1, 2);
        if (n !== undefined) mi = n;
        break;
      case '05':
      case '5': {
        n = chunk === '05' ? num(2, 2) : num(1, 2);
        if (n !== undefined) s = n;
        // Go accepts a fractional second after the seconds even when the layout has none.
        const m = /^[.,]([0-9]+)/.exec(v);
        if (m && !/^[.,][09]/.test(layout.slice(i))) {
          ns = fractionNs(m[1]!);
          v = v.slice(m[0].length);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        const word = v.slice(0, 2);
        const want = chunk === 'PM' ? ['AM', 'PM'] : ['am', 'pm'];
        if (!want.includes(word)) return undefined;
        pm = word === want[1];
        v = v.slice(2);
        n = 0;
        break;
      }
      case 'MST': {
        const m = /^(UTC|GMT(?:[+-][0-9]{1,2})?|[A-Z]{3,5})/.exec(v);
        if (!m) return undefined;
        v = v.slice(m[0].length);
        offset ??= 0;
        n = 0;
        break;
      }
      default: {
        // Numeric zones; the Z forms also accept "Z" for UTC.
        if (chunk.startsWith('Z') && v[0] === 'Z') {
          v = v.slice(1);
          offset = 0;
          n = 0;
          break;
        }
        const len = chunk.replace(/^Z/, '-').length;
        const text = v.slice(0, len);
        const o = zoneOffset(text);
        if (o === undefined || text.length !== len) return undefined;
        v = v.slice(len);
        offset = o;
        n = 0;
      }
    }
    if (n === undefined) return undefined;
  }
  if (v !== '') return undefined;
  if (pm !== undefined) {
    if (h > 12) return undefined;
    if (pm && h < 12) h += 12;
    if (!pm && h === 12) h = 0;
  }
  return makeTime(y, mo, d, h, mi, s, ns, offset ?? 0);
}
