#!/usr/bin/env node
// Generates src/kyverno/model/gen/kyverno-<version>.ts: the OpenAPI schemas of Kyverno's ClusterPolicy
// and Policy CRDs (every served version) as one JSON schema for ajv, so the binary needs no data files.
// Source: ../shared/reference/kyverno-<version>-crds/ (kyverno/kyverno config/crds at the chart tags
// below); the input files are pinned by sha256 and the script refuses to run on anything else.
// Conversion (structural schema → JSON schema): objects with properties reject unknown fields unless
// x-kubernetes-preserve-unknown-fields; int-or-string becomes integer|string; every typed node also
// accepts null (the API server prunes nulls of non-nullable fields before validating); descriptions,
// formats and defaults are dropped; repeated subschemas are shared through $defs.
// Usage: node scripts/gen-kyverno-schemas.mjs [--check]   (--check: fail when a generated file is stale)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const SOURCES = {
  '1.10.7': { tag: 'kyverno-chart-3.0.9', files: ['kyverno.io_clusterpolicies.yaml', 'kyverno.io_policies.yaml'] },
  '1.12.5': { tag: 'kyverno-chart-3.2.6', files: ['kyverno.io_clusterpolicies.yaml', 'kyverno.io_policies.yaml'] },
};
// sha256 of each input file (the files above, unmodified from the tags).
const PINS = JSON.parse(readFileSync(new URL('./gen-kyverno-schemas.pins.json', import.meta.url), 'utf8'));
const ref = new URL('../../shared/reference/', import.meta.url);

const DROP = new Set(['description', 'format', 'default', 'example']);

function convert(s) {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) return s;
  const out = {};
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s['x-kubernetes-int-or-string'] === true) {
    return { type: ['integer', 'string', 'null'] };
  }
  for (const [k, v] of Object.entries(s)) {
    if (DROP.has(k) || k.startsWith('x-kubernetes-') || k === 'nullable') continue;
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v).map(([n, p]) => [n, convert(p)]));
    else if (k === 'items') out.items = convert(v);
    else if (k === 'additionalProperties') out.additionalProperties = typeof v === 'object' ? convert(v) : v;
    else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') out[k] = v.map(convert);
    else if (k === 'not') out.not = convert(v);
    else if (k === 'type') out.type = [v, 'null'];
    else if (k === 'enum') out.enum = [...v, null];
    else out[k] = v;
  }
  if (out.type?.[0] === 'object' && out.additionalProperties === undefined && !preserve && out.properties) out.additionalProperties = false;
  return out;
}

/** ObjectMeta as far as podgate reads it; the rest is the API server's business. */
const OBJECT_META = {
  type: ['object', 'null'],
  properties: {
    name: { type: ['string', 'null'] },
    namespace: { type: ['string', 'null'] },
    generateName: { type: ['string', 'null'] },
    labels: { type: ['object', 'null'], additionalProperties: { type: ['string', 'null'] } },
    annotations: { type: ['object', 'null'], additionalProperties: { type: ['string', 'null'] } },
  },
};

function generate(version) {
  const src = SOURCES[version];
  const roots = {};
  for (const file of src.files) {
    const url = new URL(`kyverno-${version}-crds/${file}`, ref);
    const text = readFileSync(url);
    const sha = createHash('sha256').update(text).digest('hex');
    if (PINS[version]?.[file] !== sha) throw new Error(`${url.pathname}: sha256 ${sha} is not the pinned ${PINS[version]?.[file]}`);
    const crd = parse(text.toString('utf8'));
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      const schema = convert(v.schema.openAPIV3Schema);
      schema.properties.metadata = OBJECT_META;
      delete schema.properties.status;
      schema.required = ['apiVersion', 'kind', 'spec'];
      roots[`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`] = schema;
    }
  }
  // Share repeated subschemas: count canonical texts, then hoist the big repeated ones into $defs.
  const counts = new Map();
  const text = (n) => JSON.stringify(n);
  const count = (n) => {
    if (n === null || typeof n !== 'object') return;
    for (const c of Object.values(n)) count(c);
    if (!Array.isArray(n)) counts.set(text(n), (counts.get(text(n)) ?? 0) + 1);
  };
  for (const r of Object.values(roots)) count(r);
  const defs = {};
  const hoist = (n, top) => {
    if (n === null || typeof n !== 'object') return n;
    const key = text(n);
    const rebuilt = Array.isArray(n) ? n.map((c) => hoist(c, false)) : Object.fromEntries(Object.entries(n).map(([k, c]) => [k, k === 'properties' || k === 'enum' || k === 'required' || k === 'type' ? hoistEach(c) : hoist(c, false)]));
    if (!top && !Array.isArray(n) && (counts.get(key) ?? 0) > 1 && key.length > 300) {
      const name = createHash('sha256').update(JSON.stringify(rebuilt)).digest('hex').slice(0, 12);
      defs[name] = rebuilt;
      return { $ref: `#/$defs/${name}` };
    }
    return rebuilt;
  };
  const hoistEach = (c) => (c === null || typeof c !== 'object' || Array.isArray(c) ? c : Object.fromEntries(Object.entries(c).map(([k, v]) => [k, hoist(v, false)])));
  const kinds = {};
  for (const [k, r] of Object.entries(roots)) {
    const name = k.replace(/[^A-Za-z0-9]+/g, '_');
    defs[name] = hoist(r, true);
    kinds[k] = `#/$defs/${name}`;
  }
  const schema = { $id: `kyverno-${version}`, $defs: defs };
  const body = JSON.stringify(schema);
  const out = `// Code generated by scripts/gen-kyverno-schemas.mjs — DO NOT EDIT.
// Kyverno ${version} ClusterPolicy/Policy CRD schemas (kyverno/kyverno ${src.tag}, config/crds/, Apache-2.0),
// converted to JSON schema for ajv. Regenerate with: node scripts/gen-kyverno-schemas.mjs

/** The JSON schema (with $defs shared between kinds). */
export const SCHEMA: Record<string, unknown> = JSON.parse(${JSON.stringify(body)});

/** \`group/version/Kind\` → the $ref of its schema inside SCHEMA. */
export const KINDS: Record<string, string> = ${JSON.stringify(kinds, null, 2)};
`;
  const target = new URL(`../src/kyverno/model/gen/kyverno-${version}.ts`, import.meta.url);
  if (process.argv.includes('--check')) {
    if (!existsSync(target) || readFileSync(target, 'utf8') !== out) {
      console.error(`${target.pathname} is stale: run node scripts/gen-kyverno-schemas.mjs`);
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(target, out);
  console.log(`wrote ${target.pathname}: ${Object.keys(kinds).length} kinds, ${Object.keys(defs).length} defs, ${body.length} bytes`);
}

for (const v of Object.keys(SOURCES)) generate(v);
