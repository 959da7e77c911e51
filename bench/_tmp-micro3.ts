import { readFileSync } from 'node:fs';
import { parseObjects } from '../src/kube/index.js';
import { buildContext, withElement } from '../src/kyverno/variables/index.js';
const o = parseObjects(readFileSync(new URL('testdata/pod.yaml', import.meta.url), 'utf8'), 'p').objects[0]!.object;
const ctx = buildContext({ object: o, operation: 'CREATE', namespace: 'shop' });
console.log(Object.keys(ctx), '%HasFastProperties');
function t(name: string, f: () => unknown) { let best = 1e9; for (let r = 0; r < 7; r++) { const s = performance.now(); for (let i = 0; i < 20000; i++) f(); best = Math.min(best, (performance.now() - s) * 1000 / 20000); } console.log(name.padEnd(40), best.toFixed(3), 'µs'); }
t('spread', () => ({ ...ctx }));
t('spread+2', () => ({ ...ctx, element: 1, elementIndex: 2 }));
t('withElement', () => withElement(ctx, 1, 1, 0));
const plain = { request: 1, images: 2 };
t('plain spread+4', () => ({ ...plain, element: 1, elementIndex: 2, element0: 1, elementIndex0: 2 }));
t('spread then assign', () => { const o2: Record<string, unknown> = { ...ctx }; o2.element = 1; o2.elementIndex = 2; o2.element0 = 1; o2.elementIndex0 = 2; return o2; });
t('Object.assign', () => Object.assign({}, ctx, { element: 1, elementIndex: 2, element0: 1, elementIndex0: 2 }));
t('for-in copy', () => { const o2: Record<string, unknown> = {}; for (const k in ctx) o2[k] = (ctx as any)[k]; o2.element = 1; o2.elementIndex = 2; return o2; });
