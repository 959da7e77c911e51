// YAML text for objects a user hands to kubectl or Helm. kubectl and Helm read YAML with go-yaml v2 (YAML
// 1.1), where an unquoted `no`, `on`, `y` or `012` is a boolean or a number: such strings are quoted. So are
// those YAML 1.2 reads as something else (`0o17`, an octal there, a string in 1.1): podgate's own loader
// reads YAML 1.2, and its backups and outputs must read back unchanged.
import { Document, type DocumentOptions, type ParseOptions, parse, Scalar, type SchemaOptions, type ToStringOptions, visit } from 'yaml';

/**
 * How Helm (go-yaml v2) reads a values file: YAML 1.1 (`<<` merge keys; yes/no/on/off/y/n booleans;
 * 012 octal, 0x hex, 1_000), but a timestamp stays the string it is and `1:30` is no base-60 number
 * (go-yaml v2 decodes neither into an interface{}). For values files podgate reads or edits.
 */
export const HELM_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  // Without !!omap, !!pairs and !!set as well: maps podgate adds would otherwise be written as !!omap.
  customTags: (tags) => tags.filter((t) => typeof t === 'string' || (!/:(timestamp|omap|pairs|set)$/.test(t.tag) && !('format' in t && t.format === 'TIME'))),
};

// Plain scalars YAML 1.2's core schema may read as null, a boolean or a number: the only ones checked.
const MAY_NOT_BE_A_STRING = /^(?:[-+.0-9~]|(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$)/;

/** True when the YAML 1.2 core schema reads `s`, written plain, as something other than the string s. */
function misreadByYaml12(s: string): boolean {
  if (!MAY_NOT_BE_A_STRING.test(s)) return false;
  try {
    return parse(s) !== s;
  } catch {
    return false;
  }
}

/** `value` as YAML that YAML 1.1 readers (kubectl, Helm) and YAML 1.2 readers read back unchanged; no line folding. */
export function toYamlText(value: unknown, opts: ToStringOptions & { aliasDuplicateObjects?: boolean } = {}): string {
  const { aliasDuplicateObjects, ...format } = opts;
  const doc = new Document(value, { version: '1.1', ...(aliasDuplicateObjects !== undefined ? { aliasDuplicateObjects } : {}) });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && node.value !== '' && misreadByYaml12(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0, ...format });
}
