// A tiny HTML builder that escapes by default: every string child and attribute value is escaped,
// only `Html` values built here pass through. Tag and attribute names come from our own code and
// are checked, so no data can ever open a tag or leave an attribute.

declare const htmlBrand: unique symbol;

/** Markup built by this module (never raw user data). */
export type Html = { readonly html: string; readonly [htmlBrand]: true };

/** Anything that may appear as element content; strings and numbers are escaped. */
export type Child = Html | string | number | null | undefined | false | readonly Child[];

/** Attribute values; `true` renders the bare attribute, `false`/`undefined` omit it. */
export type Attrs = Readonly<Record<string, string | number | boolean | undefined>>;

const VOID = new Set(['meta', 'input', 'br', 'hr', 'link', 'img', 'col']);
const NAME = /^[a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)?$/i;
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content or in a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function markup(html: string): Html {
  return { html } as Html;
}

/** Trusted markup from a constant of our own (CSS, script, doctype). Never pass data to it. */
export function trusted(constant: string): Html {
  return markup(constant);
}

function isHtml(c: Child): c is Html {
  return typeof c === 'object' && c !== null && !Array.isArray(c) && typeof (c as { html?: unknown }).html === 'string';
}

function renderChild(c: Child): string {
  if (c === null || c === undefined || c === false) return '';
  if (typeof c === 'string') return escapeHtml(c);
  if (typeof c === 'number') return escapeHtml(String(c));
  if (isHtml(c)) return c.html;
  return (c as readonly Child[]).map(renderChild).join('');
}

/** Concatenates children into one fragment. */
export function frag(...children: Child[]): Html {
  return markup(renderChild(children));
}

/** Builds `<tag attrs>children</tag>` with everything escaped. */
export function el(tag: string, attrs: Attrs | null, ...children: Child[]): Html {
  if (!NAME.test(tag)) throw new Error(`bad tag name ${JSON.stringify(tag)}`);
  let open = `<${tag}`;
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (!NAME.test(k)) throw new Error(`bad attribute name ${JSON.stringify(k)}`);
    if (v === undefined || v === false) continue;
    open += v === true ? ` ${k}` : ` ${k}="${escapeHtml(String(v))}"`;
  }
  open += '>';
  if (VOID.has(tag)) return markup(open);
  return markup(`${open}${renderChild(children)}</${tag}>`);
}
