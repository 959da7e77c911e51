// The exact message texts of validate rules. Mirrors kyverno@v1.10.7:pkg/engine/handlers/validation/
// validate_resource.go (buildErrorMessage, buildAnyPatternErrorMessage, getDenyMessage) and
// pkg/engine/api/ruleresponse.go (RuleError's "<msg>: <err>").

/** `validation rule '<rule>' passed.` */
export function passMessage(rule: string): string {
  return `validation rule '${rule}' passed.`;
}

/** An error response text: `<msg>: <err>`. */
export function errorMessage(msg: string, err: string): string {
  return `${msg}: ${err}`;
}

/** Adds a final "." unless the message already ends with one. */
function withDot(msg: string): string {
  return msg.endsWith('.') ? msg : `${msg}.`;
}

/**
 * A pattern failure: `validation error: <msg>. rule <rule> failed at path <path>`, or the
 * `execution error: <detail>` form when there is no path. `message` is the substituted rule message
 * (undefined when the rule has none), `substitutionFailed` when substituting it failed.
 */
export function patternErrorMessage(rule: string, message: string | undefined, path: string, detail: string, substitutionFailed = false): string {
  if (message === undefined || message === '') {
    return path !== '' ? `validation error: rule ${rule} failed at path ${path}` : `validation error: rule ${rule} execution error: ${detail}`;
  }
  if (substitutionFailed) return `validation error: variables substitution error in rule ${rule} execution error: ${detail}`;
  const msg = withDot(message);
  return path !== '' ? `validation error: ${msg} rule ${rule} failed at path ${path}` : `validation error: ${msg} rule ${rule} execution error: ${detail}`;
}

/** anyPattern failures: the message (not substituted in 1.10) then every failed alternative. */
export function anyPatternErrorMessage(message: string | undefined, failures: readonly string[]): string {
  const list = failures.join(' ');
  if (message === undefined || message === '') return `validation error: ${list}`;
  return message.endsWith('.') ? `validation error: ${message} ${list}` : `validation error: ${message}. ${list}`;
}

/** A deny failure: the substituted rule message, or `validation error: rule <rule> failed` without one. */
export function denyMessage(rule: string, message: string | undefined): string {
  return message === undefined || message === '' ? `validation error: rule ${rule} failed` : message;
}

/** The prefix foreach puts in front of the first failing element's message. */
export function foreachFailureMessage(inner: string): string {
  return `validation failure: ${inner}`;
}
