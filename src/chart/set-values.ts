// `--set key=value[,key=value]` as Helm parses it: dotted keys make maps, `a[0]` indexes lists (growing
// them with nulls), `{a,b}` is a list, `\` escapes the next character, and values are typed
// (true/false/null case-insensitively, integers without a leading zero; everything else a string).
// Mirrors helm@v3 pkg/strvals/parser.go (ParseInto, key, listItem, valList, typedVal).
import { getOwn, isObject, type JsonObject, type JsonValue, setOwn } from '../util/index.js';
import { ChartRenderError } from './errors.js';

const MAX_INDEX = 65536;

/** Helm's typedVal: the value a `--set` string becomes. */
export function typedSetValue(s: string): JsonValue {
  const lower = s.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (s === '0') return 0;
  // strconv.ParseInt: optional sign, decimal digits, int64 range; no leading zero.
  if (s.length > 0 && s[0] !== '0' && /^[+-]?\d+$/.test(s)) {
    const n = BigInt(s);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return Number(n);
  }
  return s;
}

class SetParser {
  private pos = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  private fail(message: string): never {
    throw new ChartRenderError('CHART_SET_SYNTAX', `--set ${this.text}: ${message}`);
  }

  /** Reads up to (and consuming) the first unescaped rune of stop; `last` is undefined at end of input. */
  private until(stop: string): { k: string; last: string | undefined } {
    let k = '';
    while (this.pos < this.text.length) {
      const r = this.text[this.pos++]!;
      if (r === '\\') {
        if (this.pos < this.text.length) k += this.text[this.pos++]!;
        continue;
      }
      if (stop.includes(r)) return { k, last: r };
      k += r;
    }
    return { k, last: undefined };
  }

  /** Parses every `key=value` of the text into data. */
  parseInto(data: JsonObject): void {
    while (this.pos < this.text.length) this.key(data);
  }

  private key(data: JsonObject): void {
    const { k, last } = this.until('=[,.');
    if (last === undefined) this.fail(`key "${k}" has no value`);
    if (last === ',') this.fail(`key "${k}" has no value (cannot end with ,)`);
    if (last === '[') {
      const i = this.index();
      const cur = getOwn(data, k);
      if (cur !== undefined && cur !== null && !Array.isArray(cur)) this.fail(`${k} is not a list`);
      setOwn(data, k, this.listItem(Array.isArray(cur) ? cur : [], i));
      return;
    }
    if (last === '=') {
      setOwn(data, k, this.value());
      return;
    }
    const cur = getOwn(data, k);
    if (cur !== undefined && cur !== null && !isObject(cur)) this.fail(`${k} is not a map`);
    const inner: JsonObject = isObject(cur) ? cur : {};
    this.key(inner);
    if (Object.keys(inner).length === 0) this.fail(`key map "${k}" has no value`);
    setOwn(data, k, inner);
  }

  private index(): number {
    const { k, last } = this.until(']');
    if (last === undefined || !/^[+-]?\d+$/.test(k)) this.fail(`error parsing index: ${JSON.stringify(k)}`);
    const i = Number(k);
    if (i < 0) this.fail(`negative ${i} index not allowed`);
    if (i > MAX_INDEX) this.fail(`index of ${i} is greater than maximum supported index of ${MAX_INDEX}`);
    return i;
  }

  private listItem(list: JsonValue[], i: number): JsonValue[] {
    const { k, last } = this.until('[.=');
    if (k.length > 0) this.fail(`unexpected data at end of array index: "${k}"`);
    const out = [...list];
    while (out.length <= i) out.push(null);
    if (last === '=') out[i] = this.value();
    else if (last === '[') {
      const next = this.index();
      const cur = out[i];
      out[i] = this.listItem(Array.isArray(cur) ? cur : [], next);
    } else if (last === '.') {
      const cur = out[i];
      const inner: JsonObject = isObject(cur) ? cur : {};
      this.key(inner);
      out[i] = inner;
    } else this.fail('parse error: unexpected end after index');
    return out;
  }

  /** A value after `=`: a `{a,b}` list or a scalar up to the next unescaped comma. */
  private value(): JsonValue {
    if (this.text[this.pos] === '{') {
      this.pos++;
      const list: JsonValue[] = [];
      for (;;) {
        const { k, last } = this.until(',}');
        if (last === undefined) this.fail("list must terminate with '}'");
        list.push(typedSetValue(k));
        if (last === '}') {
          if (this.text[this.pos] === ',') this.pos++;
          return list;
        }
      }
    }
    return typedSetValue(this.until(',').k);
  }
}

/** Applies one `--set` argument to values (in place, like strvals.ParseInto) and returns them. */
export function applySet(values: JsonObject, arg: string): JsonObject {
  new SetParser(arg).parseInto(values);
  return values;
}
