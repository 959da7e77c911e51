#!/usr/bin/env node
// Extracts the default values of the reference kyverno charts (../shared/reference/kyverno-chart-<v>/values.yaml)
// into src/chart/data/kyverno-chart/<v>.json: the data `migrate upgrade` translates values files with.
// Run after the reference charts change: node scripts/extract-kyverno-chart-values.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

for (const v of ['3.0.9', '3.2.6']) {
  const values = parse(readFileSync(new URL(`../../shared/reference/kyverno-chart-${v}/values.yaml`, import.meta.url), 'utf8'));
  writeFileSync(new URL(`../src/chart/data/kyverno-chart/${v}.json`, import.meta.url), `${JSON.stringify({ chart: 'kyverno', version: v, defaults: values })}\n`);
}
