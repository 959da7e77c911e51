// Kubernetes-style field paths and field errors.
// Mirrors k8s.io/apimachinery/pkg/util/validation/field (path.go, errors.go): the rendering of
// `spec.containers[0].image` and of `<path>: Invalid value: <value>: <detail>`.

type Segment = { kind: 'key'; name: string } | { kind: 'index'; index: number } | { kind: 'mapKey'; key: string };

/** An immutable field path, built with child()/index(), rendered Kubernetes- or Kyverno-style. */
export class FieldPath {
  private readonly segments: readonly Segment[];
  private constructor(segments: readonly Segment[]) {
    this.segments = segments;
  }

  /** The empty path. */
  static root(): FieldPath {
    return new FieldPath([]);
  }

  /** A path from dotted names, e.g. FieldPath.of('spec', 'containers'). */
  static of(...names: string[]): FieldPath {
    return new FieldPath(names.map((name) => ({ kind: 'key', name })));
  }

  /** Parses a JSON pointer (`/spec/containers/0`) into a path; numeric segments become indexes. */
  static fromPointer(pointer: string): FieldPath {
    const parts = pointer.split('/').filter((p) => p !== '');
    return new FieldPath(
      parts.map((p) => {
        const s = p.replace(/~1/g, '/').replace(/~0/g, '~');
        return /^\d+$/.test(s) ? { kind: 'index', index: Number(s) } : { kind: 'key', name: s };
      }),
    );
  }

  /** A path one key deeper. */
  child(name: string, ...more: string[]): FieldPath {
    return new FieldPath([...this.segments, { kind: 'key', name }, ...more.map((n) => ({ kind: 'key' as const, name: n }))]);
  }

  /** A path one list index deeper. */
  index(i: number): FieldPath {
    return new FieldPath([...this.segments, { kind: 'index', index: i }]);
  }

  /** A path one map key deeper (rendered `[key]`). */
  key(k: string): FieldPath {
    return new FieldPath([...this.segments, { kind: 'mapKey', key: k }]);
  }

  /** Number of segments. */
  get length(): number {
    return this.segments.length;
  }

  /** Kubernetes rendering: `spec.containers[0].image`. */
  toString(): string {
    let out = '';
    for (const s of this.segments) {
      if (s.kind === 'key') out += out === '' ? s.name : `.${s.name}`;
      else if (s.kind === 'index') out += `[${s.index}]`;
      else out += `[${s.key}]`;
    }
    return out;
  }

  /** Kyverno rendering: `/spec/containers/0/image/` (trailing slash included). */
  toKyverno(): string {
    let out = '/';
    for (const s of this.segments) {
      out += `${s.kind === 'key' ? s.name : s.kind === 'index' ? s.index : s.key}/`;
    }
    return out;
  }

  /** RFC 6901 JSON pointer: `/spec/containers/0/image`. */
  toPointer(): string {
    return this.segments
      .map((s) => `/${String(s.kind === 'key' ? s.name : s.kind === 'index' ? s.index : s.key).replace(/~/g, '~0').replace(/\//g, '~1')}`)
      .join('');
  }
}

/** The kinds of field error Kubernetes reports. */
export type FieldErrorType = 'Invalid' | 'Required' | 'Forbidden' | 'NotSupported' | 'Duplicate' | 'TooLong' | 'Internal';

/** A coded problem at a field, printed exactly as Kubernetes prints it. */
export interface FieldError {
  type: FieldErrorType;
  path: FieldPath;
  badValue?: unknown;
  /** The bad value already rendered Go-style (e.g. `[]int64{999}`, `"null"`); printed verbatim, wins over badValue. */
  badValueText?: string;
  detail: string;
  code: string;
  origin?: string;
}

const typeText: Record<FieldErrorType, string> = {
  Invalid: 'Invalid value',
  Required: 'Required value',
  Forbidden: 'Forbidden',
  NotSupported: 'Unsupported value',
  Duplicate: 'Duplicate value',
  TooLong: 'Too long',
  Internal: 'Internal error',
};

/** Formats a value the way Go's `%#v`/`%q` does in field errors (strings quoted, ints bare). */
export function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Renders a FieldError as `field.Error.Error()` does. */
export function formatFieldError(e: FieldError): string {
  const path = e.path.toString();
  const head = path === '' ? '' : `${path}: `;
  switch (e.type) {
    case 'Required':
    case 'Forbidden':
    case 'TooLong':
    case 'Internal':
      return `${head}${typeText[e.type]}${e.detail ? `: ${e.detail}` : ''}`;
    default: {
      const val = e.badValueText !== undefined ? `: ${e.badValueText}` : 'badValue' in e ? `: ${goValue(e.badValue)}` : '';
      return `${head}${typeText[e.type]}${val}${e.detail ? `: ${e.detail}` : ''}`;
    }
  }
}

// apimachinery/pkg/util/validation: IsDNS1123Subdomain and its texts.
const DNS1123_SUBDOMAIN_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

/** The messages IsDNS1123Subdomain returns for a name (none when it is a valid subdomain). */
export function dns1123SubdomainErrors(value: string): string[] {
  const out: string[] = [];
  if (Buffer.byteLength(value, 'utf8') > 253) out.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) {
    out.push(`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN_FMT}')`);
  }
  return out;
}
