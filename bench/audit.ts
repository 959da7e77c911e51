// `npm run bench -- audit [--quick] [--no-big]`: generated dumps (bench/gen-dump.ts) of 1,000 / 10,000 / 50,000
// workloads, as JSON and as YAML (one `kind: List`, as `kubectl get -A -o yaml` prints it), each case in its
// own child process so its peak RSS is its own: parse alone, and parse + snapshot + audit against the 11
// baseline + 6 restricted policies of the kyverno-policies chart; then `podgate migrate run` on the
// 10,000-workload YAML dump, and a ~200 MB YAML dump audited with --max-file-size raised. Prints a table and,
// as the LAST line, one JSON object with every measurement and each issue-19 target with pass/fail.
// Child mode (internal): `bench/audit.ts --child parse|audit|migrate FILE`.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';
import { generateDump } from './gen-dump.js';

interface ChildResult {
  ms: number;
  /** CPU time (user + system) of the child: on a shared, loaded machine a steadier figure than wall time. */
  cpuMs: number;
  maxRssMiB: number;
  objects?: number;
  violations?: number;
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv[1]!, argv[2]!);
else await parent();

async function child(mode: string, file: string): Promise<void> {
  // Modules are loaded and the policies compiled before the clock starts: the time is the work on the dump.
  const { loadObjects, setReadLimits } = await import('../src/cluster/index.js');
  const { defaultKyvernoConfig } = await import('../src/kyverno/config/index.js');
  const { buildSnapshot } = await import('../src/kube/index.js');
  const { runAudit } = await import('../src/migrate/audit.js');
  const { buildTargetPolicies } = await import('../src/migrate/target.js');
  const { run } = await import('../src/cli/program.js');
  const { processIO } = await import('../src/cli/io.js');
  setReadLimits({ maxFileSize: 2 ** 31, maxTotalSize: 2 ** 31 });
  const target = buildTargetPolicies({ chartVersion: '3.0.7', values: [{ podSecurityStandard: 'restricted' }], users: [], extra: [] });
  const out: Partial<ChildResult> = {};
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  if (mode === 'parse') {
    const r = loadObjects([file]);
    out.objects = r.objects.length;
  } else if (mode === 'audit') {
    const loaded = loadObjects([file]);
    const snapshot = buildSnapshot(loaded.objects);
    const res = runAudit({ snapshot, policies: target.policies, kyvernoConfig: defaultKyvernoConfig(), userNamespaces: new Map() });
    out.objects = loaded.objects.length;
    out.violations = res.summary.violations;
  } else if (mode === 'migrate') {
    // The whole command as a user runs it (its own policy build included).
    const outDir = mkdtempSync(join(tmpdir(), 'podgate-bench-out-'));
    const io = { ...processIO(), isTTY: false, stdout: () => {} };
    const code = await run(['migrate', 'run', '--max-file-size', '2Gi', '--max-total-size', '2Gi', '--cluster', file, '--out-dir', outDir, '--force'], io);
    rmSync(outDir, { recursive: true, force: true });
    if (code > 1) throw new Error(`migrate run exited ${code}`);
  }
  out.ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  out.cpuMs = (cpu.user + cpu.system) / 1000;
  out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runChild(mode: string, file: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const text = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', mode, file], { encoding: 'utf8', maxBuffer: 1e6, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(text.trim().split('\n').pop()!) as ChildResult;
}

/** Writes a generated dump: JSON, or YAML as one List with the items at column 0 (kubectl's layout). */
function writeDump(dir: string, n: number, format: 'json' | 'yaml'): string {
  const file = join(dir, `dump-${n}.${format}`);
  const dump = generateDump(n) as { items: unknown[] };
  const fd = openSync(file, 'w');
  if (format === 'json') writeSync(fd, JSON.stringify(dump, null, 2));
  else {
    writeSync(fd, 'apiVersion: v1\nkind: List\nitems:\n');
    for (const item of dump.items) writeSync(fd, jsyaml.dump([item], { lineWidth: -1, noRefs: true }));
    writeSync(fd, 'metadata:\n  resourceVersion: ""\n');
  }
  closeSync(fd);
  return file;
}

/** A YAML List of at least `bytes` (the generated items repeated with fresh names). */
function writeBigDump(dir: string, bytes: number): { file: string; workloads: number } {
  const file = join(dir, 'dump-big.yaml');
  const fd = openSync(file, 'w');
  writeSync(fd, 'apiVersion: v1\nkind: List\nitems:\n');
  const block = (generateDump(10000) as { items: { metadata: { name: string } }[] }).items.slice(50);
  const ns = (generateDump(0) as { items: unknown[] }).items;
  let size = 0;
  for (const item of ns) size += writeSync(fd, jsyaml.dump([item], { lineWidth: -1 }));
  let workloads = 0;
  for (let round = 0; size < bytes; round++) {
    for (const item of block) {
      const text = jsyaml.dump([{ ...item, metadata: { ...item.metadata, name: `${item.metadata.name}-r${round}` } }], { lineWidth: -1 });
      size += writeSync(fd, text);
      workloads++;
    }
  }
  writeSync(fd, 'metadata:\n  resourceVersion: ""\n');
  closeSync(fd);
  return { file, workloads };
}

async function parent(): Promise<void> {
  const quick = argv.includes('--quick');
  const big = !argv.includes('--no-big') && !quick;
  const sizes = quick ? [1000, 10000] : [1000, 10000, 50000];
  const dir = mkdtempSync(join(tmpdir(), 'podgate-bench-'));
  const load0 = loadavg()[0]!;
  const rows: Record<string, unknown>[] = [];
  const byKey = new Map<string, ChildResult>();
  console.log(
    'case'.padEnd(14) + 'objects'.padStart(9) + 'parse ms'.padStart(10) + 'cpu ms'.padStart(9) + 'MiB'.padStart(6) + 'audit ms'.padStart(10) + 'cpu ms'.padStart(9) + 'MiB'.padStart(6) + 'audit/parse'.padStart(13) + 'cpu ratio'.padStart(11),
  );
  try {
    for (const n of sizes) {
      for (const format of ['json', 'yaml'] as const) {
        const file = writeDump(dir, n, format);
        const parse = runChild('parse', file);
        const audit = runChild('audit', file);
        byKey.set(`${format}-${n}`, audit);
        const ratio = audit.ms / parse.ms;
        const cpuRatio = audit.cpuMs / parse.cpuMs;
        rows.push({
          workloads: n,
          format,
          bytes: statSync(file).size,
          parse_ms: Math.round(parse.ms),
          parse_cpu_ms: Math.round(parse.cpuMs),
          parse_rss_mib: Math.round(parse.maxRssMiB),
          audit_ms: Math.round(audit.ms),
          audit_cpu_ms: Math.round(audit.cpuMs),
          audit_rss_mib: Math.round(audit.maxRssMiB),
          audit_vs_parse: Number(ratio.toFixed(2)),
          audit_vs_parse_cpu: Number(cpuRatio.toFixed(2)),
          violations: audit.violations,
        });
        console.log(
          `${format} ${n}`.padEnd(14) +
            String(parse.objects).padStart(9) +
            parse.ms.toFixed(0).padStart(10) +
            parse.cpuMs.toFixed(0).padStart(9) +
            parse.maxRssMiB.toFixed(0).padStart(6) +
            audit.ms.toFixed(0).padStart(10) +
            audit.cpuMs.toFixed(0).padStart(9) +
            audit.maxRssMiB.toFixed(0).padStart(6) +
            ratio.toFixed(2).padStart(13) +
            cpuRatio.toFixed(2).padStart(11),
        );
        if (n !== 10000 || format !== 'yaml') rmSync(file);
      }
    }
    const migrate = runChild('migrate', join(dir, 'dump-10000.yaml'));
    console.log(`migrate run, yaml 10000: ${migrate.ms.toFixed(0)} ms (cpu ${migrate.cpuMs.toFixed(0)} ms), peak RSS ${migrate.maxRssMiB.toFixed(0)} MiB`);
    let bigCase: { bytes: number; workloads: number; ms: number; cpu_ms: number; rss_mib: number; ok: boolean } | undefined;
    if (big) {
      const b = writeBigDump(dir, 200 * 1024 * 1024);
      const bytes = statSync(b.file).size;
      try {
        const r = runChild('audit', b.file);
        bigCase = { bytes, workloads: b.workloads, ms: Math.round(r.ms), cpu_ms: Math.round(r.cpuMs), rss_mib: Math.round(r.maxRssMiB), ok: r.objects !== undefined && r.objects > b.workloads };
      } catch {
        bigCase = { bytes, workloads: b.workloads, ms: 0, cpu_ms: 0, rss_mib: 0, ok: false };
      }
      console.log(`yaml ${(bytes / 2 ** 20).toFixed(0)} MiB (${b.workloads} workloads, one List): audit ${bigCase.ok ? `${bigCase.ms} ms, peak RSS ${bigCase.rss_mib} MiB` : 'FAILED'}`);
    }
    const y10 = byKey.get('yaml-10000')!;
    const j10 = byKey.get('json-10000')!;
    const y50 = byKey.get('yaml-50000');
    const j50 = byKey.get('json-50000');
    const targets: Record<string, { value: number | boolean | null; limit: string; pass: boolean | null }> = {
      yaml_vs_json_audit_10k: { value: Number((y10.ms / j10.ms).toFixed(2)), limit: '<= 2', pass: y10.ms / j10.ms <= 2 },
      yaml_vs_json_audit_10k_cpu: { value: Number((y10.cpuMs / j10.cpuMs).toFixed(2)), limit: '<= 2', pass: y10.cpuMs / j10.cpuMs <= 2 },
      migrate_run_yaml_10k_s: { value: Number((migrate.ms / 1000).toFixed(2)), limit: '<= 6', pass: migrate.ms <= 6000 },
      migrate_run_yaml_10k_cpu_s: { value: Number((migrate.cpuMs / 1000).toFixed(2)), limit: '<= 6', pass: migrate.cpuMs <= 6000 },
      migrate_run_yaml_10k_rss_mib: { value: Math.round(migrate.maxRssMiB), limit: '<= 600', pass: migrate.maxRssMiB <= 600 },
      linear_yaml_50k_vs_10k: y50 ? { value: Number((y50.ms / y10.ms).toFixed(2)), limit: '<= 5.5', pass: y50.ms / y10.ms <= 5.5 } : { value: null, limit: '<= 5.5', pass: null },
      linear_yaml_50k_vs_10k_cpu: y50 ? { value: Number((y50.cpuMs / y10.cpuMs).toFixed(2)), limit: '<= 5.5', pass: y50.cpuMs / y10.cpuMs <= 5.5 } : { value: null, limit: '<= 5.5', pass: null },
      linear_json_50k_vs_10k: j50 ? { value: Number((j50.ms / j10.ms).toFixed(2)), limit: '<= 5.5', pass: j50.ms / j10.ms <= 5.5 } : { value: null, limit: '<= 5.5', pass: null },
      yaml_200mb_completes: bigCase ? { value: bigCase.ok, limit: 'true', pass: bigCase.ok } : { value: null, limit: 'true', pass: null },
    };
    console.log('target'.padEnd(32) + 'value'.padStart(10) + '  limit    result');
    for (const [k, t] of Object.entries(targets)) console.log(k.padEnd(32) + String(t.value).padStart(10) + `  ${t.limit.padEnd(8)} ${t.pass === null ? 'not run' : t.pass ? 'pass' : 'FAIL'}`);
    console.log(
      JSON.stringify({
        bench: 'audit',
        cases: rows,
        migrate_run_yaml_10k: { ms: Math.round(migrate.ms), cpu_ms: Math.round(migrate.cpuMs), rss_mib: Math.round(migrate.maxRssMiB) },
        big_yaml: bigCase ?? null,
        targets,
        pass: Object.values(targets).every((t) => t.pass !== false),
        loadavg_before: Number(load0.toFixed(1)),
        loadavg_after: Number(loadavg()[0]!.toFixed(1)),
        node: process.version,
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
