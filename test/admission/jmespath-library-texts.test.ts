// Kyverno 1.10's JMESPath functions on the user's path (`podgate apply`) where the text comes from a Go
// library or a Go format verb rather than from Kyverno itself:
// - base64_decode hands base64.StdEncoding.DecodeString's CorruptInputError through unwrapped
//   (`illegal base64 data at input byte N`, N as Go's decoder counts it: line breaks are skipped, a
//   missing or bad padding names the byte Go stops at);
// - parse_json hands json.Unmarshal's error through unwrapped (the scanner's SyntaxError texts, or the
//   number-out-of-range UnmarshalTypeError);
// - random('') is errors.New("no pattern provided"), unwrapped;
// - lookup's non-integer index is printed with %g (`1e-07`, `1.2345675e+06`);
// - regex_match/pattern_match read a number with strconv.FormatFloat(f, 'f', -1, 32) (never an exponent,
//   the sign of -0 kept).
// Mirrors kyverno@v1.10.7:pkg/engine/jmespath/functions.go (jpBase64Decode, jpParseJson, jpRandom,
// jpLookup, ifaceToString) and arithmetic.go (intNumber); the variable substitution adds
// `failed to resolve <expr> at path <path>: `.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { type ExpressionCase, expressionCaseTests } from '../helpers/expression-cases.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-jmespath-library-texts-'));

type Case = ExpressionCase;

const LOOKUP = "JMESPath function 'lookup': argument #2: ";
const cases: Case[] = [
  // encoding/base64: CorruptInputError offsets as StdEncoding.DecodeString reports them.
  { name: 'base64: a quantum cut short names the quantum', expr: "base64_decode('abc')", error: 'illegal base64 data at input byte 0' },
  { name: 'base64: a bad character names itself', expr: "base64_decode('ab$d')", error: 'illegal base64 data at input byte 2' },
  { name: 'base64: a bad character after a whole quantum', expr: "base64_decode('QUJD!')", error: 'illegal base64 data at input byte 4' },
  { name: 'base64: a short second quantum', expr: "base64_decode('QUJDQQ')", error: 'illegal base64 data at input byte 4' },
  { name: 'base64: a skipped line break shifts the offset', expr: "base64_decode('QU\nJ')", error: 'illegal base64 data at input byte 1' },
  { name: 'base64: one = where two are needed names the end', expr: "base64_decode('QQ=')", error: 'illegal base64 data at input byte 3' },
  { name: 'base64: one = and a line break names the end', expr: "base64_decode('QQ=\n')", error: 'illegal base64 data at input byte 4' },
  { name: 'base64: = then another character names the first =', expr: "base64_decode('QQ=x')", error: 'illegal base64 data at input byte 2' },
  { name: 'base64: padding after one character', expr: "base64_decode('Q===')", error: 'illegal base64 data at input byte 1' },
  { name: 'base64: data after the padding', expr: "base64_decode('QUI=QQ==')", error: 'illegal base64 data at input byte 4' },
  { name: 'base64: a non-ASCII character counts in bytes', expr: "base64_decode('éQ==')", error: 'illegal base64 data at input byte 0' },
  { name: 'base64: a byte offset after a non-ASCII letter', expr: "base64_decode('QUJD\nQé==')", error: 'illegal base64 data at input byte 6' },
  { name: 'base64: wrapped text decodes', expr: "base64_decode('QUJD\r\nREVG')", value: 'ABCDEF' },
  { name: 'base64: non-zero trailing bits are accepted', expr: "base64_decode('QR==')", value: 'A' },
  // encoding/json: the scanner's syntax errors, the number range error.
  { name: 'json: nothing', expr: "parse_json('')", error: 'unexpected end of JSON input' },
  { name: 'json: an unfinished array', expr: "parse_json('[1,')", error: 'unexpected end of JSON input' },
  { name: 'json: an unfinished string', expr: "parse_json('\"ab')", error: 'unexpected end of JSON input' },
  { name: 'json: a word', expr: "parse_json('x')", error: "invalid character 'x' looking for beginning of value" },
  { name: 'json: a single quote is escaped', expr: "parse_json('\\'a\\'')", error: "invalid character '\\'' looking for beginning of value" },
  { name: 'json: a non-ASCII byte is named as its Latin-1 rune', expr: "parse_json('é')", error: "invalid character 'Ã' looking for beginning of value" },
  { name: 'json: a trailing comma in an array', expr: "parse_json('[1,]')", error: "invalid character ']' looking for beginning of value" },
  { name: 'json: a missing value', expr: 'parse_json(\'{"a":}\')', error: "invalid character '}' looking for beginning of value" },
  { name: 'json: a key that is not a string', expr: "parse_json('{1:2}')", error: "invalid character '1' looking for beginning of object key string" },
  { name: 'json: no colon after a key', expr: 'parse_json(\'{"a" 1}\')', error: "invalid character '1' after object key" },
  { name: 'json: no comma between members', expr: 'parse_json(\'{"a":1 "b":2}\')', error: 'invalid character \'"\' after object key:value pair' },
  { name: 'json: no comma between elements', expr: "parse_json('[1 2]')", error: "invalid character '2' after array element" },
  { name: 'json: two values', expr: "parse_json('1 2')", error: "invalid character '2' after top-level value" },
  { name: 'json: a leading zero', expr: "parse_json('01')", error: "invalid character '1' after top-level value" },
  { name: 'json: a tab in a string', expr: "parse_json('\"a\tb\"')", error: "invalid character '\\t' in string literal" },
  { name: 'json: a control byte in a string', expr: "parse_json('\"a\u0001\"')", error: "invalid character '\\x01' in string literal" },
  { name: 'json: a bad escape', expr: "parse_json('\"\\x\"')", error: "invalid character 'x' in string escape code" },
  { name: 'json: a bad \\u escape', expr: "parse_json('\"\\u12g4\"')", error: "invalid character 'g' in \\u hexadecimal character escape" },
  { name: 'json: a minus without digits', expr: "parse_json('-x')", error: "invalid character 'x' in numeric literal" },
  { name: 'json: a lone minus', expr: "parse_json('-')", error: "invalid character ' ' in numeric literal" },
  { name: 'json: a point without digits', expr: "parse_json('1.')", error: "invalid character ' ' after decimal point in numeric literal" },
  { name: 'json: an exponent without digits', expr: "parse_json('1e+x')", error: "invalid character 'x' in exponent of numeric literal" },
  { name: 'json: a misspelt true', expr: "parse_json('tx')", error: "invalid character 'x' in literal true (expecting 'r')" },
  { name: 'json: a cut false', expr: "parse_json('[fals')", error: "invalid character ' ' in literal false (expecting 'e')" },
  { name: 'json: a cut null', expr: "parse_json('nul')", error: "invalid character ' ' in literal null (expecting 'l')" },
  { name: 'json: a number out of float64 range', expr: "parse_json('[1e400]')", error: 'json: cannot unmarshal number 1e400 into Go value of type float64' },
  { name: 'json: a document decodes', expr: 'parse_json(\'{"a":[1,2.5,"x"]}\').a[1]', value: '2.5' },
  // random: an empty pattern.
  { name: 'random: no pattern', expr: "random('')", error: 'no pattern provided' },
  // lookup: %g of the index.
  { name: 'lookup: a small fraction has a two-digit exponent', expr: 'lookup(`[1,2]`, `1e-7`)', error: `${LOOKUP}expected an integer number but got: 1e-07` },
  { name: 'lookup: a large fraction is printed with an exponent', expr: 'lookup(`[1,2]`, `1234567.5`)', error: `${LOOKUP}expected an integer number but got: 1.2345675e+06` },
  { name: 'lookup: a fraction', expr: 'lookup(`[1,2]`, `0.5`)', error: `${LOOKUP}expected an integer number but got: 0.5` },
  { name: 'lookup: an integer beyond int64', expr: 'lookup(`[1,2]`, `1e19`)', error: `${LOOKUP}number is outside the range of integer numbers: 1e+19` },
  { name: 'lookup: a large integer index is out of range', expr: 'lookup(`[1,2]`, `1e15`) || `"none"`', value: 'none' },
  // ifaceToString: float32 'f' formatting.
  { name: 'regex_match: 1e21 is written out', expr: "regex_match('^1000000000000000000000$', `1e21`)", value: 'true' },
  { name: 'regex_match: 1e30 is written out', expr: "regex_match('^1000000000000000000000000000000$', `1e30`)", value: 'true' },
  { name: 'regex_match: -0 keeps its sign', expr: "regex_match('^-0$', `-0`)", value: 'true' },
  { name: 'regex_match: float32 digits', expr: "regex_match('^123456790000$', `123456789012`)", value: 'true' },
  { name: 'regex_match: a small number', expr: "regex_match('^0\\.00000000015$', `1.5e-10`)", value: 'true' },
  { name: 'pattern_match: 1e21 is written out', expr: "pattern_match('1000000000000000000000', `1e21`)", value: 'true' },
];

describe('podgate apply: JMESPath texts from Go libraries (kyverno@v1.10.7 functions.go; Go encoding/base64, encoding/json, strconv)', () => {
  expressionCaseTests(dir, 'library-texts', cases, '1.10');
});
