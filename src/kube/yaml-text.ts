// YAML text for objects a user hands to kubectl or Helm. kubectl and Helm read YAML with go-yaml v2 (YAML
// 1.1), where an unquoted `no`, `on`, `y` or `012` is a boolean or a number: such strings are quoted.
import { type DocumentOptions, type ParseOptions, type SchemaOptions, type ToStringOptions, stringify } from 'yaml';

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

/** `value` as YAML that YAML 1.1 readers (kubectl, Helm) read back unchanged; no line folding. */
export function toYamlText(value: unknown, opts: ToStringOptions & { aliasDuplicateObjects?: boolean } = {}): string {
  return stringify(value, { lineWidth: 0, version: '1.1', ...opts });
}
