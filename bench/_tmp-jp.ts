import { searchJmespath } from '../src/kyverno/jmespath/index.js';
for (const e of ["pad_left('a', `100000000`, 'x') | length(@)", "regex_match('(a+)+$', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab')", "replace_all(replace_all(replace_all(replace_all(replace_all(replace_all(replace_all(replace_all(replace_all(replace_all(replace_all(replace_all('aaaa','a','aaaa'),'a','aaaa'),'a','aaaa'),'a','aaaa'),'a','aaaa'),'a','aaaa'),'a','aaaa'),'a','aaaa'),'a','aaaa'),'a','aaaa'),'a','aaaa'),'a','aaaa') | length(@)"]) {
  const t = performance.now();
  try { const r = searchJmespath(e, {}); console.log(String(r).slice(0, 50)); } catch (err) { console.log('ERR', (err as Error).constructor.name, (err as Error).message.slice(0, 100)); }
  console.log(e.slice(0, 40), (performance.now() - t).toFixed(1), 'ms');
}
