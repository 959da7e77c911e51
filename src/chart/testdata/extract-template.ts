// Dev tool: turns the kyverno-policies chart's own templates (shared/reference/kyverno-policies-chart-X/)
// into the data file src/chart/data/X/chart.json. Each template's policy body is kept as written; every
// `{{ ... }}` block becomes a null slot whose meaning the renderer knows (render.ts).
// Run: node --import tsx src/chart/testdata/extract-template.ts ../shared/reference/kyverno-policies-chart-3.0.7 src/chart/data/3.0.7/chart.json
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ChartData, PolicyTemplate, RuleSlots } from '../chart-data.js';
import { isObject, type JsonObject } from '../../util/index.js';

const OPENER = /^\s*\{\{-?\s*(with|if|range)\b/;
const END = /^\s*\{\{-?\s*end\s*-?\}\}\s*$/;

/** Reads the `index .Values "<section>" "<key>"` keys of a with/merge/assignment line. */
function valueKeys(line: string, section: string, name: string): string[] {
  const re = new RegExp(`index \\.Values "${section}" (\\$name|"([^"]+)")`, 'g');
  return [...line.matchAll(re)].map((m) => (m[1] === '$name' ? name : m[2]!));
}

/** Extracts one template file into a policy template. */
export function extractTemplate(text: string, source: string): PolicyTemplate {
  const lines = text.split('\n');
  const name = /\$name := "([^"]+)"/.exec(lines[0] ?? '')?.[1];
  if (!name) throw new Error(`${source}: no $name on line 1`);
  const helper = /kyverno-policies\.podSecurity(\w+)/.exec(lines[1] ?? '')?.[1]?.toLowerCase();
  const group = helper === 'baseline' ? 'baseline' : helper === 'restricted' ? 'restricted' : 'other';
  const check = /supportedKyvernoCheck.*"ver" "([^"]+)"/.exec(lines[2] ?? '')?.[1];
  const out: string[] = [];
  const rules: RuleSlots[] = [];
  let severityQuoted = false;
  let pendingPreconditions: string[] | undefined;
  // body lines: drop the name/helper/check preamble and the closing end of the outer if
  let i = check ? 3 : 2;
  const last = lines.length - (lines[lines.length - 1] === '' ? 2 : 1);
  if (!END.test(lines[last] ?? '')) throw new Error(`${source}: last line is not {{- end }}`);
  const indentOf = (l: string) => l.length - l.trimStart().length;
  const currentRule = () => {
    const r = rules[rules.length - 1];
    if (!r) throw new Error(`${source}: rule slot before any rule`);
    return r;
  };
  while (i < last) {
    const line = lines[i]!;
    const assign = /^\s*\{\{-\s*\$preconditions\d* :=\s+(.*)\}\}\s*$/.exec(line);
    if (assign) {
      pendingPreconditions = valueKeys(assign[1]!, 'policyPreconditions', name);
      i++;
      continue;
    }
    if (OPENER.test(line)) {
      let depth = 0;
      let j = i;
      for (; j < last; j++) {
        if (OPENER.test(lines[j]!)) depth++;
        else if (END.test(lines[j]!)) depth--;
        if (depth === 0) break;
      }
      const block = lines.slice(i, j + 1).join('\n');
      const pad = ' '.repeat(indentOf(line));
      if (block.includes('.Values.autogenControllers')) out.push(`${pad}pod-policies.kyverno.io/autogen-controllers: null`);
      else if (block.includes('.Values.podSecuritySeverity')) {
        severityQuoted = block.includes('| quote');
        out.push(`${pad}policies.kyverno.io/severity: null`);
      } else if (block.includes('validationFailureActionByPolicy')) out.push(`${pad}validationFailureAction: null`);
      else if (block.includes('validationFailureActionOverrides')) out.push(`${pad}validationFailureActionOverrides: null`);
      else if (line.includes('"policyExclude"')) {
        currentRule().exclude = valueKeys(line, 'policyExclude', name);
        out.push(`${pad}exclude: null`);
      } else if (line.includes('"policyPreconditions"')) {
        currentRule().preconditions = { keys: valueKeys(line, 'policyPreconditions', name), deleteGuard: false };
        out.push(`${pad}preconditions: null`);
      } else if (/if \$preconditions\d*/.test(line)) {
        if (!pendingPreconditions || !block.includes("request.operation || 'BACKGROUND'")) throw new Error(`${source}: unexpected guard block`);
        currentRule().preconditions = { keys: pendingPreconditions, deleteGuard: true };
        pendingPreconditions = undefined;
        out.push(`${pad}preconditions: null`);
      } else if (block.includes('.Values.skipBackgroundRequests')) {
        currentRule().skipBackgroundRequests = true;
        out.push(`${pad}skipBackgroundRequests: null`);
      } else throw new Error(`${source}:${i + 1}: unknown block: ${line.trim()}`);
      i = j + 1;
      continue;
    }
    let l = line
      .replace(/\{\{`([^`]*)`\}\}/g, '$1')
      .replace(/\{\{ \$name \}\}/g, name)
      .replace(/^(\s*labels:) \{\{ include "kyverno-policies\.labels" \. \| nindent 4 \}\}$/, '$1 null')
      .replace(/^(\s*\w+:) \{\{ \.Values\.(policyKind|background|failurePolicy) \}\}$/, '$1 null');
    if (l.includes('{{') && !l.includes('"{{')) throw new Error(`${source}:${i + 1}: unhandled template text: ${l.trim()}`);
    const rule = /^\s*- name: (\S+)\s*$/.exec(l);
    if (rule) rules.push({ name: rule[1]!, exclude: [], preconditions: null, skipBackgroundRequests: false });
    l = l.replace(/\s+$/, '');
    out.push(l);
    i++;
  }
  const body = parse(out.join('\n')) as unknown;
  if (!isObject(body)) throw new Error(`${source}: body is not a map`);
  return { name, source, group, ...(check ? { kyvernoCheck: check } : {}), severityQuoted, rules, body };
}

/** Extracts a whole chart folder. */
export function extractChart(dir: string): ChartData {
  const chartYaml = parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as JsonObject;
  const defaults = parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) as JsonObject;
  const files: string[] = [];
  for (const sub of ['baseline', 'other', 'restricted']) {
    for (const f of readdirSync(join(dir, 'templates', sub)).sort()) files.push(`templates/${sub}/${f}`);
  }
  files.sort();
  return {
    chart: {
      name: String(chartYaml.name),
      version: String(chartYaml.version),
      appVersion: String(chartYaml.appVersion),
      kubeVersion: String(chartYaml.kubeVersion),
    },
    defaults,
    policies: files.map((f) => extractTemplate(readFileSync(join(dir, f), 'utf8'), f)),
  };
}

if (process.argv[1]?.endsWith('extract-template.ts')) {
  const [dir, outFile] = process.argv.slice(2);
  if (!dir || !outFile) throw new Error('usage: extract-template.ts CHART_DIR OUT_JSON');
  writeFileSync(outFile, `${JSON.stringify(extractChart(dir), null, 2)}\n`);
}
