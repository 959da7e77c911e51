// Admission results aggregated into wgpolicyk8s.io/v1alpha2 PolicyReports, one per namespace and
// policy (ClusterPolicyReport for cluster-scoped resources), kept in bounded memory and written to
// a directory. Mirrors Kyverno 1.10's layout (cpol-<policy>, pol-<policy>; kyverno@v1.10.7:
// pkg/utils/report/results.go, controllers/report/aggregate) without its unbounded growth.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toYamlText } from '../kube/index.js';
import type { ShadowComparison } from './psp-shadow.js';
import { type PolicyVerdict, policyKey, type RuleStatus } from './results.js';
import { compareText } from '../util/index.js';

/** Limits of the store. */
export interface ReportLimits {
  /** Resources kept per report; the least recently seen is dropped first. */
  maxResourcesPerReport: number;
  /** Reports kept; the least recently updated is dropped first. */
  maxReports: number;
}

/** Defaults: 1,000 resources × 500 reports. */
export const DEFAULT_REPORT_LIMITS: ReportLimits = { maxResourcesPerReport: 1000, maxReports: 500 };

interface StoredResult {
  rule: string;
  result: RuleStatus;
  message: string;
  seconds: number;
  properties?: Record<string, string>;
}

interface ResourceEntry {
  ref: { apiVersion: string; kind: string; namespace?: string; name: string; uid?: string };
  results: StoredResult[];
}

interface ReportEntry {
  namespace: string;
  policy: string;
  reportName: string;
  /** `kyverno`, or `podsecuritypolicy` for shadow-mode PSP verdicts. */
  source: string;
  resources: Map<string, ResourceEntry>;
}

type ResourceRef = PolicyVerdict['resource'];

// The policy name (and report source) shadow-mode PSP verdicts are reported under.
const PSP_SHADOW_POLICY = 'podsecuritypolicy';

/** A PolicyReport or ClusterPolicyReport as JSON. */
export interface PolicyReportObject {
  apiVersion: 'wgpolicyk8s.io/v1alpha2';
  kind: 'PolicyReport' | 'ClusterPolicyReport';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  summary: Record<'pass' | 'fail' | 'warn' | 'error' | 'skip', number>;
  results: unknown[];
}

/** A report whose results all went away (evicted or forgotten). */
export interface RemovedReport {
  kind: 'PolicyReport' | 'ClusterPolicyReport';
  namespace?: string;
  name: string;
}

/** What changed for one consumer since its last call (see ReportStore.changeFeed). */
export interface ReportStoreChanges {
  upserts: PolicyReportObject[];
  removals: RemovedReport[];
}

interface Feed {
  dirty: Set<string>;
  removed: Map<string, RemovedReport>;
}

/** Aggregates verdicts per namespace and policy. Not thread-shared: one per server. */
export class ReportStore {
  readonly #reports = new Map<string, ReportEntry>();
  readonly #limits: ReportLimits;
  readonly #now: () => number;
  #dirty = new Set<string>();
  readonly #feeds: Feed[] = [];
  /** Resource entries dropped to stay within limits. */
  evicted = 0;

  constructor(limits: Partial<ReportLimits> = {}, now: () => number = Date.now) {
    this.#limits = { ...DEFAULT_REPORT_LIMITS, ...limits };
    this.#now = now;
  }

  /** Records the verdicts of one admission request (the latest result per resource wins). */
  record(verdicts: readonly PolicyVerdict[], uid?: string): void {
    const seconds = Math.floor(this.#now() / 1000);
    for (const v of verdicts) {
      if (v.rules.length === 0) continue;
      const reportName = `${v.policy.namespace ? 'pol' : 'cpol'}-${v.policy.name}`;
      this.#put(policyKey(v.policy), reportName, 'kyverno', v.resource, uid, v.rules.map((r) => ({ rule: r.rule, result: r.status, message: r.message, seconds })));
    }
  }

  /**
   * Records PSP's verdict on a pod next to Kyverno's (shadow mode), in a `psp-shadow` report per
   * namespace: result pass/fail is PSP's, properties carry Kyverno's decision and the class.
   */
  recordShadow(resource: ResourceRef, c: ShadowComparison, uid?: string): void {
    const seconds = Math.floor(this.#now() / 1000);
    const message = c.psp.allowed ? `admitted by PodSecurityPolicy ${c.psp.policy ?? ''}`.trimEnd() : (c.psp.message ?? 'denied by PodSecurityPolicy');
    const properties: Record<string, string> = {
      class: c.class,
      kyverno: c.kyverno.allowed ? 'allowed' : 'would deny',
      ...(c.kyverno.denials.length > 0 ? { kyvernoDenials: c.kyverno.denials.map((d) => `${d.policy}/${d.rule}`).join(',') } : {}),
      ...(c.psp.mutated ? { pspMutated: 'true' } : {}),
    };
    this.#put(PSP_SHADOW_POLICY, 'psp-shadow', PSP_SHADOW_POLICY, resource, uid, [{ rule: c.psp.policy ?? 'admission', result: c.psp.allowed ? 'pass' : 'fail', message, seconds, properties }]);
  }

  #put(policy: string, reportName: string, source: string, resource: ResourceRef, uid: string | undefined, results: StoredResult[]): void {
    const namespace = resource.namespace ?? '';
    const key = `${namespace}\u0000${policy}`;
    let report = this.#reports.get(key);
    if (report) this.#reports.delete(key);
    else report = { namespace, policy, reportName, source, resources: new Map() };
    this.#reports.set(key, report);
    const rkey = `${resource.apiVersion}|${resource.kind}|${resource.name}`;
    report.resources.delete(rkey);
    report.resources.set(rkey, {
      ref: { apiVersion: resource.apiVersion, kind: resource.kind, ...(resource.namespace ? { namespace: resource.namespace } : {}), name: resource.name, ...(uid ? { uid } : {}) },
      results,
    });
    while (report.resources.size > this.#limits.maxResourcesPerReport) {
      report.resources.delete(report.resources.keys().next().value!);
      this.evicted++;
    }
    this.#dirty.add(key);
    for (const f of this.#feeds) {
      f.dirty.add(key);
      f.removed.delete(key);
    }
    while (this.#reports.size > this.#limits.maxReports) {
      const [oldKey, old] = this.#reports.entries().next().value!;
      this.evicted += old.resources.size;
      this.#drop(oldKey, old);
    }
  }

  #drop(key: string, entry: ReportEntry): void {
    this.#reports.delete(key);
    this.#dirty.add(key);
    const ref: RemovedReport = { kind: entry.namespace ? 'PolicyReport' : 'ClusterPolicyReport', ...(entry.namespace ? { namespace: entry.namespace } : {}), name: entry.reportName };
    for (const f of this.#feeds) {
      f.dirty.delete(key);
      f.removed.set(key, ref);
    }
  }

  /** Drops every report of `namespace` (`''`: the cluster-scoped ones), e.g. when the namespace is deleted. */
  forgetNamespace(namespace: string): void {
    for (const [key, entry] of [...this.#reports]) if (entry.namespace === namespace) this.#drop(key, entry);
  }

  /**
   * A consumer besides flush(dir), e.g. the PolicyReport writer of `serve --in-cluster`: each call of
   * the returned function gives the reports changed and removed since the previous call (the first
   * call: every report).
   */
  changeFeed(): () => ReportStoreChanges {
    const feed: Feed = { dirty: new Set(this.#reports.keys()), removed: new Map() };
    this.#feeds.push(feed);
    return () => {
      const upserts: PolicyReportObject[] = [];
      for (const key of feed.dirty) {
        const entry = this.#reports.get(key);
        if (entry) upserts.push(toReport(entry));
      }
      const removals = [...feed.removed.values()];
      feed.dirty = new Set();
      feed.removed = new Map();
      return { upserts, removals };
    };
  }

  /** The reports as objects, sorted by namespace and name. */
  reports(): PolicyReportObject[] {
    return [...this.#reports.values()].sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.reportName, b.reportName)).map(toReport);
  }

  /** Writes changed reports to `dir` (one YAML file each, replaced atomically); returns files written. */
  flush(dir: string): string[] {
    if (this.#dirty.size === 0) return [];
    mkdirSync(dir, { recursive: true });
    const written: string[] = [];
    for (const key of this.#dirty) {
      const entry = this.#reports.get(key);
      if (!entry) continue;
      const file = join(dir, `${entry.namespace || '_cluster'}.${entry.reportName.replace(/[/\\]/g, '_')}.yaml`);
      writeFileSync(`${file}.tmp`, toYamlText(toReport(entry)));
      renameSync(`${file}.tmp`, file);
      written.push(file);
    }
    this.#dirty = new Set();
    return written;
  }
}

function toReport(e: ReportEntry): PolicyReportObject {
  const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  const results: { sortKey: string; value: unknown }[] = [];
  for (const res of e.resources.values()) {
    for (const r of res.results) {
      summary[r.result]++;
      results.push({
        sortKey: `${r.rule}\u0000${res.ref.uid ?? ''}\u0000${res.ref.name}`,
        value: {
          source: e.source,
          policy: e.policy,
          rule: r.rule,
          resources: [res.ref],
          message: r.message,
          result: r.result,
          scored: true,
          ...(r.properties ? { properties: r.properties } : {}),
          timestamp: { seconds: r.seconds, nanos: 0 },
        },
      });
    }
  }
  results.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: e.namespace ? 'PolicyReport' : 'ClusterPolicyReport',
    metadata: { name: e.reportName, ...(e.namespace ? { namespace: e.namespace } : {}), labels: { 'app.kubernetes.io/managed-by': 'podgate' } },
    summary,
    results: results.map((r) => r.value),
  };
}
