// The requester's roles are looked up by subject (user name, group, service account) instead of a scan of
// every RoleBinding and ClusterRoleBinding per request: a cluster with 50,000 bindings paid 50,000 subject
// checks on each review. The answer must stay the scan's, order and repeats included (Kyverno lists a role
// once per binding that grants it, RoleBindings first, in the snapshot's order).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../../../test/helpers/fc.js';
import { type RoleBindingData, requesterRoles } from './cluster-context.js';

const SA_PREFIX = 'system:serviceaccount:';

/** The definition: every binding whose subjects name the requester, checked one by one (GetRoleRef). */
function byScan(bindings: readonly RoleBindingData[], user: { username?: string; groups?: readonly string[] }): { roles: string[]; clusterRoles: string[] } {
  const username = user.username ?? '';
  const groups = user.groups ?? [];
  const roles: string[] = [];
  const fromRoleBindings: string[] = [];
  const fromClusterBindings: string[] = [];
  for (const b of bindings) {
    const binds = b.subjects.some((s) => {
      if (s.kind === 'ServiceAccount') {
        const ns = s.namespace !== '' ? s.namespace : b.namespace;
        return ns !== '' && username === `${SA_PREFIX}${ns}:${s.name}`;
      }
      if (s.kind === 'Group') return groups.includes(s.name);
      if (s.kind === 'User') return username === s.name;
      return false;
    });
    if (!binds) continue;
    if (b.namespace !== '') {
      if (b.roleKind === 'Role') roles.push(`${b.namespace}:${b.roleName}`);
      else if (b.roleKind === 'ClusterRole') fromRoleBindings.push(b.roleName);
    } else if (b.roleKind === 'ClusterRole') fromClusterBindings.push(b.roleName);
  }
  return { roles, clusterRoles: [...fromRoleBindings, ...fromClusterBindings] };
}

// Small alphabets, so that subjects, namespaces and requesters collide often (`a:b` + `c` vs `a` + `b:c` too).
const word = fc.constantFrom('a', 'b', 'a:b', 'b:c', 'c', '__proto__', 'constructor', '');
const subject = fc.record({ kind: fc.constantFrom('User', 'Group', 'ServiceAccount', 'user', 'Other'), name: word, namespace: word });
const binding = fc.record({
  namespace: fc.constantFrom('', 'a', 'b', 'a:b'),
  roleKind: fc.constantFrom('Role', 'ClusterRole', 'Other'),
  roleName: fc.constantFrom('view', 'edit', 'admin'),
  subjects: fc.array(subject, { maxLength: 4 }),
});
const requester = fc.record({
  username: fc.oneof(word, word.map((w) => `${SA_PREFIX}${w}`), fc.tuple(word, word).map(([n, s]) => `${SA_PREFIX}${n}:${s}`)),
  groups: fc.array(word, { maxLength: 3 }),
});

test('requesterRoles answers as the scan of every binding (property)', () => {
  fc.assert(
    fc.property(fc.array(binding, { maxLength: 30 }), fc.array(requester, { minLength: 1, maxLength: 4 }), (bindings, users) => {
      // Several requesters over the same snapshot: the lookup built for it is reused.
      for (const u of users) assert.deepEqual(requesterRoles(bindings, u), byScan(bindings, u));
    }),
    fcParams(300),
  );
});

test('requesterRoles looks at the bindings of the requester only, not at every binding of the cluster', () => {
  const list: RoleBindingData[] = [];
  for (let i = 0; i < 50_000; i++) list.push({ namespace: `ns-${i % 500}`, roleKind: 'Role', roleName: `r${i}`, subjects: [{ kind: 'User', name: `user-${i}`, namespace: '' }] });
  list.push({ namespace: '', roleKind: 'ClusterRole', roleName: 'view', subjects: [{ kind: 'Group', name: 'devs', namespace: '' }] });
  let reads = 0;
  // Counts element reads: the first request may index the snapshot, later ones must not read it all again.
  const counted = new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  assert.deepEqual(requesterRoles(counted, { username: 'user-7', groups: ['devs'] }), { roles: ['ns-7:r7'], clusterRoles: ['view'] });
  reads = 0;
  for (let i = 0; i < 100; i++) requesterRoles(counted, { username: `user-${i}`, groups: ['devs'] });
  assert.ok(reads <= 300, `100 requests read ${reads} bindings`);
});
