// The image reference grammar of distribution/reference v2.8 (what Kyverno 1.10.7 parses images with),
// checked by a hand-written linear scan: the admission path checks every image of every request, and an
// RE2 match cost several microseconds per image. The grammar (reference/regexp.go):
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain "/"] path-component ("/" path-component)*
//   domain           := domain-component ("." domain-component)* [":" [0-9]+]
//   domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
//   path-component   := [a-z0-9]+ (([._] | "__" | "-"*) [a-z0-9]+)*
//   tag              := [\w][\w.-]{0,127}
//   digest           := algorithm-component ([-_+.] algorithm-component)* ":" [0-9a-fA-F]{32,}
//   algorithm-component := [A-Za-z][A-Za-z0-9]*
// src/kyverno/variables/image-reference.test.ts checks the scan against that grammar as an RE2 expression.

/** The parts of a reference that matches the grammar. */
export interface ReferenceParts {
  name: string;
  tag: string | undefined;
  digest: string | undefined;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isLowerAlnum = (c: number) => isLower(c) || isDigit(c);
const isAlnum = (c: number) => isLowerAlnum(c) || isUpper(c);
const isWord = (c: number) => isAlnum(c) || c === 95; /* _ */
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** path-component: lower-case alphanumeric runs joined by `.`, `_`, `__` or any number of `-`. */
function isPathComponent(s: string): boolean {
  const n = s.length;
  if (n === 0 || !isLowerAlnum(s.charCodeAt(0)) || !isLowerAlnum(s.charCodeAt(n - 1))) return false;
  for (let i = 1; i < n - 1; ) {
    const c = s.charCodeAt(i);
    if (isLowerAlnum(c)) {
      i++;
      continue;
    }
    // A separator run between two alphanumerics.
    let j = i;
    while (j < n && !isLowerAlnum(s.charCodeAt(j))) j++;
    const run = s.slice(i, j);
    if (!(run === '.' || run === '_' || run === '__' || /^-+$/.test(run))) return false;
    i = j;
  }
  return true;
}

/** domain-component: alphanumerics and `-`, starting and ending with an alphanumeric. */
function isDomainComponent(s: string): boolean {
  const n = s.length;
  if (n === 0 || !isAlnum(s.charCodeAt(0)) || !isAlnum(s.charCodeAt(n - 1))) return false;
  for (let i = 1; i < n - 1; i++) {
    const c = s.charCodeAt(i);
    if (!isAlnum(c) && c !== 45 /* - */) return false;
  }
  return true;
}

/** domain: domain-components joined by `.`, then an optional `:port`. */
function isDomain(s: string): boolean {
  const colon = s.indexOf(':');
  const host = colon < 0 ? s : s.slice(0, colon);
  if (colon >= 0) {
    const port = s.slice(colon + 1);
    if (port.length === 0) return false;
    for (let i = 0; i < port.length; i++) if (!isDigit(port.charCodeAt(i))) return false;
  }
  return host.split('.').every(isDomainComponent);
}

/** tag: a word character, then at most 127 word characters, `.` or `-`. */
function isTag(s: string): boolean {
  if (s.length === 0 || s.length > 128 || !isWord(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isWord(c) && c !== 46 /* . */ && c !== 45 /* - */) return false;
  }
  return true;
}

/** digest: an algorithm (components joined by one of `-_+.`), `:`, then at least 32 hex digits. */
export function isDigestSyntax(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon <= 0) return false;
  const hex = s.slice(colon + 1);
  if (hex.length < 32) return false;
  for (let i = 0; i < hex.length; i++) if (!isHex(hex.charCodeAt(i))) return false;
  const algorithm = s.slice(0, colon);
  let atStart = true;
  for (let i = 0; i < algorithm.length; i++) {
    const c = algorithm.charCodeAt(i);
    if (atStart) {
      if (!isLower(c) && !isUpper(c)) return false;
      atStart = false;
    } else if (c === 45 || c === 95 || c === 43 || c === 46) {
      atStart = true;
    } else if (!isAlnum(c)) return false;
  }
  return !atStart;
}

/** The reference's name, tag and digest when it matches the grammar, else undefined. */
export function parseReference(ref: string): ReferenceParts | undefined {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigestSyntax(digest)) return undefined;
  }
  // A `:` after the last `/` starts the tag: a name holds `:` only in its domain, before a `/`.
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isTag(tag)) return undefined;
  }
  const parts = rest.split('/');
  const pathFrom = parts.length > 1 && !isPathComponent(parts[0] as string) ? 1 : 0;
  if (pathFrom === 1 && !isDomain(parts[0] as string)) return undefined;
  for (let i = pathFrom; i < parts.length; i++) if (!isPathComponent(parts[i] as string)) return undefined;
  return { name: rest, tag, digest };
}
