// Compiled `{{ }}` strings and variable expressions, decided once per text: whether a document string holds
// no variable, exactly one variable spanning it, or anything else, and per expression its evaluator and the
// plain-path segments used for Kyverno's "Unknown key" check. Part of the substitution of
// kyverno@v1.10.7:pkg/engine/variables/vars.go (substituteVariablesIfAny); substitute.ts runs these.
import { compileJmespath } from '../jmespath/index.js';

/** Finds the next innermost `{{ ... }}` (inner `{...}` allowed, no nested braces) not preceded by `\`. */
export function findVariable(s: string, from: number): { start: number; end: number } | undefined {
  let i = s.indexOf('{{', from);
  while (i >= 0) {
    if (i > 0 && s[i - 1] === '\\') {
      i = s.indexOf('{{', i + 1);
      continue;
    }
    let j = i + 2;
    let ok = false;
    while (j < s.length) {
      const c = s[j];
      if (c === '}' && s[j + 1] === '}') {
        ok = true;
        break;
      }
      if (c === '{') {
        // allow one level of `{...}` (a JMESPath multiselect hash)
        const close = s.indexOf('}', j + 1);
        const inner = close >= 0 ? s.slice(j + 1, close) : '';
        if (close < 0 || inner.includes('{')) break;
        j = close + 1;
        continue;
      }
      if (c === '}') break;
      j++;
    }
    if (ok) {
      // `{{a}}}` style: the match ends at the first `}}`
      return { start: i, end: j + 2 };
    }
    i = s.indexOf('{{', i + 1);
  }
  return undefined;
}

/** One step of a plain path: a map key, or a list index. */
export type PathSegment = { key: string } | { index: number };

/** A variable expression (the text between the braces, trimmed), compiled on first use. */
export interface Expression {
  text: string;
  /** The JMESPath evaluator; set on the first evaluation (compiling may throw, inside the caller's try). */
  run?: (data: unknown) => unknown;
  /** The steps of a plain path (identifiers, quoted identifiers, [n]); null for any other expression. */
  plainPath: readonly PathSegment[] | null;
}

// A plain path: identifiers or quoted identifiers joined by dots, each optionally followed by [n] indices.
const PLAIN_PATH = /^(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")(?:\[\d+\])*(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")(?:\[\d+\])*)*$/;
const PATH_SEGMENT = /([A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")|\[(\d+)\]/g;

function plainPathOf(text: string): readonly PathSegment[] | null {
  if (!PLAIN_PATH.test(text)) return null;
  const out: PathSegment[] = [];
  for (const m of text.matchAll(PATH_SEGMENT)) {
    if (m[2] !== undefined) out.push({ index: Number(m[2]) });
    else {
      const raw = m[1] ?? '';
      out.push({ key: raw.startsWith('"') ? (JSON.parse(raw) as string) : raw });
    }
  }
  return out;
}

/** Evaluates an expression's JMESPath against data, compiling it on first use. Throws JmespathError. */
export function evaluateExpression(expr: Expression, data: unknown): unknown {
  expr.run ??= compileJmespath(expr.text);
  return expr.run(data);
}

// Both caches are keyed by policy text, bounded (cleared when full) so that no input can grow them without limit.
const MAX_CACHE = 4_096;
const expressions = new Map<string, Expression>();

/** The compiled expression for a text (shared; cached by text). */
export function expressionOf(text: string): Expression {
  let e = expressions.get(text);
  if (e === undefined) {
    e = { text, plainPath: plainPathOf(text) };
    if (expressions.size >= MAX_CACHE) expressions.clear();
    expressions.set(text, e);
  }
  return e;
}

/**
 * How a document string is substituted:
 * - literal: no variable (only `\{{` unescaping applies);
 * - single: exactly one `{{ expr }}` spanning the whole string, which takes the typed value; `deleteExpr`
 *   is the DELETE form (request.object read as request.oldObject), made on first use;
 * - general: anything else (several variables, text around them, `{{ @ }}`): substituted round by round.
 *   The first round's variable depends on the string alone: its span and expression (undefined for `@`,
 *   which names the document path) are kept; later rounds depend on the values spliced in.
 */
export type Template =
  | { kind: 'literal' }
  | { kind: 'single'; expr: Expression; deleteExpr?: Expression }
  | { kind: 'general'; start: number; end: number; expr: Expression | undefined; deleteExpr?: Expression };

const LITERAL: Template = Object.freeze({ kind: 'literal' });
const templates = new Map<string, Template>();

/** The template of a document string (cached by text). */
export function templateOf(s: string): Template {
  let t = templates.get(s);
  if (t === undefined) {
    t = compileTemplate(s);
    if (templates.size >= MAX_CACHE) templates.clear();
    templates.set(s, t);
  }
  return t;
}

function compileTemplate(s: string): Template {
  const m = findVariable(s, 0);
  if (!m) return LITERAL;
  const text = s.slice(m.start + 2, m.end - 2).trim();
  // `{{@}}` names the current document path, which the string alone does not know.
  const expr = text === '@' ? undefined : expressionOf(text);
  if (m.start !== 0 || m.end !== s.length || expr === undefined) return { kind: 'general', start: m.start, end: m.end, expr };
  return { kind: 'single', expr };
}

/** The DELETE form of a single-variable template's expression. */
export function deleteExpression(t: { expr: Expression; deleteExpr?: Expression }): Expression {
  t.deleteExpr ??= expressionOf(t.expr.text.replaceAll('request.object', 'request.oldObject'));
  return t.deleteExpr;
}
