// Operator prefixes and range forms of string patterns: `>=`, `<=`, `>`, `<`, `!`, `a-b`, `a!-b`.
// Mirrors kyverno@v1.10.7:pkg/engine/operator/operator.go (GetOperatorFromStringPattern, InRangeRegex,
// NotInRangeRegex); the range forms are matched by a hand scanner instead of a regex.

/** A string-pattern operator; `''` is equality. */
export type PatternOperator = '' | '>=' | '<=' | '>' | '<' | '!' | '-' | '!-';

/** The operator that prefixes (or, for ranges, shapes) a single pattern condition. */
export function operatorOf(pattern: string): PatternOperator {
  if (pattern.length < 2) return '';
  if (pattern.startsWith('>=')) return '>=';
  if (pattern.startsWith('<=')) return '<=';
  if (pattern.startsWith('>')) return '>';
  if (pattern.startsWith('<')) return '<';
  if (pattern.startsWith('!')) return '!';
  if (splitRange(pattern, '!-') !== undefined) return '!-';
  if (splitRange(pattern, '-') !== undefined) return '-';
  return '';
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isLetter = (c: string | undefined): boolean => c !== undefined && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));

// Length of the longest prefix of s (from `from`) matching `[-|+]?\d+(?:\.\d+)?[A-Za-z]*`, or -1.
function endpointEnd(s: string, from: number): number {
  let i = from;
  if (s[i] === '-' || s[i] === '|' || s[i] === '+') i++;
  const digits = i;
  while (isDigit(s[i])) i++;
  if (i === digits) return -1;
  if (s[i] === '.' && isDigit(s[i + 1])) {
    i++;
    while (isDigit(s[i])) i++;
  }
  while (isLetter(s[i])) i++;
  return i;
}

/**
 * Splits `left<sep>right` where both ends are numbers with an optional sign and unit suffix
 * (`^(E)<sep>(E)$` with E = `[-|+]?\d+(\.\d+)?[A-Za-z]*`); undefined when the pattern has another shape.
 */
export function splitRange(pattern: string, sep: '-' | '!-'): [string, string] | undefined {
  // The endpoint grammar is greedy and cannot contain the separator, except that a digit run may be
  // followed by '.' without fraction digits; the left end therefore ends at the first place where it
  // cannot be extended, and the regex needs no backtracking to decide.
  const leftEnd = endpointEnd(pattern, 0);
  if (leftEnd < 0 || !pattern.startsWith(sep, leftEnd)) return undefined;
  const rightStart = leftEnd + sep.length;
  const rightEnd = endpointEnd(pattern, rightStart);
  if (rightEnd !== pattern.length) return undefined;
  return [pattern.slice(0, leftEnd), pattern.slice(rightStart)];
}
