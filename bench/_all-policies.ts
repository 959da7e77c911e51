// Shared by bench/engine.ts and bench/webhook.ts: every policy of ../shared/conformance/kyverno-policies,
// found the way the conformance runner finds them (suites.tsv → each kyverno-test.yaml → its `policies`),
// read in place (never copied into the repository).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseSuite } from '../src/kyverno-test/index.js';

const corpus = new URL('../../shared/conformance/kyverno-policies/', import.meta.url).pathname;

/** The policy files of every suite, in suite order, without duplicates. */
export function allPolicyFiles(): string[] {
  const index = join(corpus, 'suites.tsv');
  if (!existsSync(index)) throw new Error(`conformance corpus not found at ${corpus}`);
  const suites = readFileSync(index, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0] ?? '');
  const files = new Set<string>();
  for (const suite of suites) {
    const file = join(corpus, suite);
    const { suite: spec } = parseSuite(parse(readFileSync(file, 'utf8')));
    for (const p of spec?.policies ?? []) files.add(resolve(dirname(file), p));
  }
  return [...files];
}
