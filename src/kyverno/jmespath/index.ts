// Public surface of kyverno/jmespath: JMESPath (community spec, @jmespath-community/jmespath) with
// Kyverno 1.10's custom function library registered, compiled once per expression text.
// Mirrors kyverno@v1.10.7:pkg/engine/jmespath/functions.go (GetFunctions) and new.go.

import {
  compile,
  type JSONValue,
  registerFunction,
  TreeInterpreter,
  TYPE_ANY,
  TYPE_ARRAY,
  TYPE_ARRAY_STRING,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_STRING,
} from '@jmespath-community/jmespath';
import { compileToClosures } from './closures.js';
import { installOwnKeySemantics } from './own-keys.js';
import { memoizeByRoot } from './root-memo.js';
import { add, divide, modulo, multiply, round, subtract, sum } from './arithmetic.js';
import { JmespathError } from './errors.js';
import { checkReplaceSize, join, MAX_FUNCTION_OUTPUT, outputTooLarge, pad, toJsonString } from './guard.js';
import { regexMatch, regexReplaceAll, regexReplaceAllLiteral } from './regex.js';
import { random, semverCompare } from './semver-random.js';
import * as s from './strings.js';
import * as t from './time.js';

export type { Clock, RandomSource } from './environment.js';
export { setJmespathClock, setJmespathRandom, setJmespathTimeParseEpoch } from './environment.js';
export { JmespathError } from './errors.js';
export { forgetRootMemos } from './root-memo.js';
export { MAX_FUNCTION_OUTPUT } from './guard.js';
export { MAX_REGEX_INPUT, MAX_REGEX_PATTERN } from './regex.js';

type Handler = (args: readonly unknown[]) => unknown;

const str = [TYPE_STRING];
const num = [TYPE_NUMBER];
const strOrNum = [TYPE_STRING, TYPE_NUMBER];
const any = [TYPE_ANY];

// name → [handler, argument types]; Kyverno's versions replace same-named community built-ins.
const TABLE: Readonly<Record<string, readonly [Handler, readonly (readonly number[])[]]>> = {
  compare: [s.compare, [str, str]],
  equal_fold: [s.equalFold, [str, str]],
  replace: [s.replace, [str, str, str, num]],
  replace_all: [s.replaceAll, [str, str, str]],
  to_upper: [s.toUpper, [str]],
  to_lower: [s.toLower, [str]],
  trim: [s.trim, [str, str]],
  trim_prefix: [s.trimPrefix, [str, str]],
  split: [s.split, [str, str]],
  regex_replace_all: [regexReplaceAll, [str, strOrNum, strOrNum]],
  regex_replace_all_literal: [regexReplaceAllLiteral, [str, strOrNum, strOrNum]],
  regex_match: [regexMatch, [str, strOrNum]],
  pattern_match: [s.patternMatch, [str, strOrNum]],
  label_match: [s.labelMatch, [[TYPE_OBJECT], [TYPE_OBJECT]]],
  add: [add, [any, any]],
  sum: [sum, [[TYPE_ARRAY]]],
  subtract: [subtract, [any, any]],
  multiply: [multiply, [any, any]],
  divide: [divide, [any, any]],
  modulo: [modulo, [any, any]],
  round: [round, [num, num]],
  to_boolean: [s.toBoolean, [str]],
  image_normalize: [s.imageNormalize, [str]],
  base64_decode: [s.base64Decode, [str]],
  base64_encode: [s.base64Encode, [str]],
  time_since: [t.timeSince, [str, str, str]],
  time_now: [t.timeNow, []],
  time_now_utc: [t.timeNowUtc, []],
  path_canonicalize: [s.pathCanonicalize, [str]],
  truncate: [s.truncate, [str, num]],
  semver_compare: [semverCompare, [str, str]],
  parse_json: [s.parseJson, [str]],
  parse_yaml: [s.parseYaml, [str]],
  lookup: [s.lookup, [[TYPE_OBJECT, TYPE_ARRAY], strOrNum]],
  items: [s.items, [[TYPE_OBJECT, TYPE_ARRAY], str, str]],
  object_from_lists: [s.objectFromLists, [[TYPE_ARRAY], [TYPE_ARRAY]]],
  random: [random, [str]],
  x509_decode: [s.x509Decode, [str]],
  time_to_cron: [t.timeToCron, [str]],
  time_add: [t.timeAdd, [str, str]],
  time_parse: [t.timeParse, [str, str]],
  time_utc: [t.timeUtc, [str]],
  time_diff: [t.timeDiff, [str, str]],
  time_before: [t.timeBefore, [str, str]],
  time_after: [t.timeAfter, [str, str]],
  time_between: [t.timeBetween, [str, str, str]],
  time_truncate: [t.timeTruncate, [str, str]],
};

/** Names of the Kyverno custom functions registered on top of the community built-ins. */
export const KYVERNO_FUNCTIONS: readonly string[] = Object.freeze(Object.keys(TABLE).sort());

/** Runs a Kyverno function with the output bound (guard.ts): replaces are checked before, others after. */
function guarded(name: string, handler: Handler): Handler {
  const isReplace = name === 'replace' || name === 'replace_all';
  return (args) => {
    if (isReplace) checkReplaceSize(name, args[0] as string, args[1] as string, args[2] as string);
    const out = handler(args);
    if (typeof out === 'string' && out.length > MAX_FUNCTION_OUTPUT) throw outputTooLarge(name);
    return out;
  };
}

// Community built-ins that can amplify their input, replaced by bounded versions with the same semantics.
const BOUNDED: Readonly<Record<string, readonly [Handler, { types: number[]; optional?: boolean }[]]>> = {
  pad_left: [(a) => pad('pad_left', a), [{ types: [TYPE_STRING] }, { types: [TYPE_NUMBER] }, { types: [TYPE_STRING], optional: true }]],
  pad_right: [(a) => pad('pad_right', a), [{ types: [TYPE_STRING] }, { types: [TYPE_NUMBER] }, { types: [TYPE_STRING], optional: true }]],
  join: [join, [{ types: [TYPE_STRING] }, { types: [TYPE_ARRAY_STRING] }]],
  to_string: [toJsonString, [{ types: [TYPE_ANY] }]],
};

let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  for (const [name, [handler, types]] of Object.entries(TABLE)) {
    const signature = types.map((ts) => ({ types: [...ts] }));
    const run = guarded(name, handler);
    registerFunction(name, (resolved) => run(resolved) as JSONValue, signature, { override: true });
  }
  for (const [name, [handler, signature]] of Object.entries(BOUNDED)) {
    registerFunction(name, (resolved) => handler(resolved) as JSONValue, signature, { override: true });
  }
  installOwnKeySemantics();
  registered = true;
}

function wrap(e: unknown): JmespathError {
  if (e instanceof JmespathError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new JmespathError(message, { cause: e });
}

const MAX_CACHE = 2_000;
const cache = new Map<string, (data: unknown) => unknown>();

/** Compiles once (cached by expression text) and returns an evaluator; throws JmespathError on syntax errors. */
export function compileJmespath(expr: string): (data: unknown) => unknown {
  const hit = cache.get(expr);
  if (hit) return hit;
  ensureRegistered();
  let ast: ReturnType<typeof compile>;
  try {
    ast = compile(expr);
  } catch (e) {
    throw wrap(e);
  }
  // Common expressions run as closures (closures.ts); the rest through the library's interpreter.
  const closures = compileToClosures(ast);
  const run = memoizeByRoot(ast, (data: unknown): unknown => {
    try {
      return closures ? closures(data as JSONValue) : TreeInterpreter.search(ast, data as JSONValue);
    } catch (e) {
      throw wrap(e);
    }
  });
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
  cache.set(expr, run);
  return run;
}

/** Compiles once (cached by expression text), evaluates with Kyverno's functions. Throws JmespathError. */
export function searchJmespath(expr: string, data: unknown): unknown {
  return compileJmespath(expr)(data);
}
