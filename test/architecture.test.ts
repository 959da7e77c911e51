// Keeps the dependency arrows of docs/architecture.md true: scans import specifiers under src/.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const src = new URL('../src/', import.meta.url).pathname;

/** Which top-level folders each folder may import (besides itself). */
const allowed: Record<string, readonly string[]> = {
  util: [],
  kube: ['util'],
  cluster: ['kube', 'util'],
  kyverno: ['kube', 'util', 'pss'],
  psp: ['kube', 'util'],
  pss: ['kube', 'util'],
  chart: ['kyverno', 'kube', 'util'],
  permissions: ['kyverno', 'psp', 'kube', 'util'],
  report: ['kyverno', 'psp', 'pss', 'kube', 'util'],
  'kyverno-test': ['kyverno', 'report', 'cluster', 'kube', 'util', 'pss'],
  migrate: ['kyverno', 'psp', 'pss', 'chart', 'permissions', 'cluster', 'report', 'kube', 'util'],
  webhook: ['kyverno', 'psp', 'pss', 'chart', 'permissions', 'report', 'cluster', 'kube', 'util'],
};

/** Engines never touch the outside world. */
const pureFolders = new Set(['util', 'kube', 'kyverno', 'psp', 'pss']);
const impureModules = /^(node:)?(fs|net|http|https|child_process|fs\/promises)$/;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testdata' ? [] : walk(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.bench.ts') ? [p] : [];
  });
}

test('imports flow one way: util ← kube ← engines ← migrate/webhook ← cli', () => {
  const problems: string[] = [];
  for (const file of walk(src)) {
    const rel = relative(src, file);
    const top = rel.includes('/') ? rel.split('/')[0]! : '';
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
      const spec = m[1] ?? m[2] ?? '';
      if (spec.startsWith('.')) {
        const target = relative(src, join(file, '..', spec));
        const targetTop = target.includes('/') ? target.split('/')[0]! : '';
        if (targetTop === top || !(top in allowed)) continue;
        if (!allowed[top]!.includes(targetTop)) problems.push(`${rel} imports ${spec} (${top} may not import ${targetTop || 'src root'})`);
      } else if (pureFolders.has(top) && impureModules.test(spec)) {
        problems.push(`${rel} imports ${spec}: engines do no I/O`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
