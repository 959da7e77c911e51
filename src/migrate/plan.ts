// The migration plan: the seed's procedure reordered so that no unenforced window exists. Kyverno
// and its policies are installed in Audit while PSP still enforces, the audit must be clean, then the
// policies are switched to Enforce — still under PSP — and only then is PSP disabled.
// Every step has exact commands, checks before moving on, and a rollback.

/** One step of the plan. */
export interface PlanStep {
  id: string;
  title: string;
  why: string;
  /** Shell commands, run on the active head node as root unless said otherwise. */
  commands: string[];
  /** What must be true before the next step. */
  checks: string[];
  rollback: string[];
  /** Whether pods are checked by PSP, Kyverno, both, while this step runs. */
  enforcement: 'PSP' | 'PSP + Kyverno (Audit)' | 'PSP + Kyverno (Enforce)' | 'Kyverno (Enforce)' | 'no PSP (Pod Security Admission labels only)' | 'Kyverno (Audit)';
}

/** Inputs of the plan. */
export interface PlanOptions {
  kubernetes: string;
  kyvernoChart: string;
  kyvernoApp: string;
  policiesChart: string;
  /** kyverno-policies values file written by `podgate migrate exceptions`. */
  policiesValues: string;
  /** The kyverno chart's values file (replicas, control-plane tolerations). */
  kyvernoValues: string;
  usersBackup: string;
  /** Path of the cluster dump or the kubeconfig flag used for podgate commands. */
  clusterArg: string;
  /**
   * The PSP Kyverno's own pods can use while PSP still enforces (they are created before PSP is turned
   * off). Undefined: the plan tells the admin to pick one (`podgate psp check` shows which admits them).
   */
  kyvernoPsp?: string;
  /** Why the Kyverno version was chosen, when it is not simply "the newest verified one tested on this Kubernetes". */
  kyvernoNote?: string;
  /**
   * The post-migration phase: Kyverno versions to move to after Kubernetes is upgraded, each with the
   * Kubernetes upgrades (one minor at a time) that come first and the Kyverno that runs through them.
   */
  upgradePath: { kubernetes: string; kyvernoChart: string; policiesChart: string; kyvernoApp: string; hops?: { from: string; to: string; kyverno?: string }[] }[];
}

/** Where `podgate migrate upgrade` writes the translated values the Kyverno upgrade installs. */
export const UPGRADE_DIR = 'podgate-upgrade';

/** The PSP grant Kyverno's own pods need while PSP enforces. */
function kyvernoPspGrant(o: PlanOptions): string[] {
  return [
    `kubectl create clusterrole podgate:psp:kyverno --verb=use --resource=podsecuritypolicies.policy --resource-name=${o.kyvernoPsp ?? '<psp that admits the kyverno pods>'}`,
    'kubectl create rolebinding podgate:psp:kyverno -n kyverno --clusterrole=podgate:psp:kyverno --group=system:serviceaccounts:kyverno',
  ];
}

const CMSH_CHECK = "cmsh -c 'configurationoverlay; use kube-default-master; roles; use kubernetes::apiserver; get admissioncontrol'";

/** True when the Kubernetes version no longer has PodSecurityPolicy (removed in 1.25). */
export function pspRemoved(kubernetes: string): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(kubernetes);
  return m !== null && (Number(m[1]) > 1 || Number(m[2]) >= 25);
}

/** Builds the ordered steps: the zero-window plan while PSP exists (<= 1.24), else the plan for a cluster without PSP. */
export function buildPlan(o: PlanOptions): PlanStep[] {
  return pspRemoved(o.kubernetes) ? buildPlanWithoutPsp(o) : buildPlanWithPsp(o);
}

function helmPoliciesCommand(o: PlanOptions, action: 'install' | 'upgrade', extra = ''): string {
  return `helm ${action} --wait --version ${o.policiesChart} -f ${o.policiesValues}${extra} --timeout 10m0s --namespace kyverno kyverno-policies kyverno/kyverno-policies`;
}

const ENFORCE_CHECK = 'kubectl get clusterpolicy -o custom-columns=NAME:.metadata.name,ACTION:.spec.validationFailureAction: every policy Enforce';

function upgradeSteps(o: PlanOptions): PlanStep[] {
  const out: PlanStep[] = [];
  let running = o.kyvernoApp;
  for (const u of o.upgradePath) {
    for (const h of u.hops ?? []) {
      const during = h.kyverno ?? running;
      out.push({
        id: `kubernetes-${h.to}`,
        title: `Upgrade Kubernetes ${h.from} → ${h.to}, keeping Kyverno ${during}`,
        why: `Kubernetes moves one minor at a time; ${h.kyverno ? `Kyverno ${during} is tested on both ${h.from} and ${h.to}, so it keeps enforcing through the upgrade` : `no verified Kyverno is tested on both ${h.from} and ${h.to}: Kyverno ${during} keeps enforcing outside its tested range until Kubernetes reaches it`}. Kyverno ${u.kyvernoApp} (chart ${u.kyvernoChart}) is not tested on ${h.from}: it comes after Kubernetes ${u.kubernetes}.`,
        commands: [
          'module load kubernetes',
          'kubectl version -o json | grep gitVersion',
          `# upgrade the control plane, then every node's kubelet, to Kubernetes ${h.to} with the BCM Kubernetes upgrade procedure`,
          'kubectl get nodes -o wide',
        ],
        checks: [
          `every node is Ready and reports kubelet v${h.to}.x`,
          'kubectl -n kyverno get pods: every pod Running and Ready',
          ENFORCE_CHECK,
        ],
        rollback: [`Kubernetes minors cannot be downgraded: restore the etcd backup taken before the upgrade (BCM etcd backup and restore) and reinstall Kubernetes ${h.from}`],
        enforcement: 'Kyverno (Enforce)',
      });
    }
    const gated = u.kyvernoChart === '3.2.6' && u.policiesChart === '3.2.5';
    // What the releases run, read back from helm into files of their own: the values files the admin keeps
    // (the merged one with its comments) are never overwritten.
    const installedKv = 'installed-kyverno-values.yaml';
    const installedPv = 'installed-kyverno-policies-values.yaml';
    // migrate upgrade writes the kyverno values as kyverno-values.yaml and each policies values file under
    // its own name.
    const kv = gated ? `${UPGRADE_DIR}/kyverno-values.yaml` : installedKv;
    const pv = gated ? `${UPGRADE_DIR}/${installedPv}` : installedPv;
    out.push({
      id: `upgrade-${u.kubernetes}`,
      title: `After Kubernetes is upgraded to ${u.kubernetes}: upgrade Kyverno to ${u.kyvernoApp} (chart ${u.kyvernoChart}) and kyverno-policies ${u.policiesChart}`,
      why: `Kyverno ${running} is not tested beyond the Kubernetes it was installed for; Kyverno ${u.kyvernoApp} is the newest release podgate verified on Kubernetes ${u.kubernetes}, and newer charts refuse older clusters, so Kyverno moves after Kubernetes.${gated ? ' podgate migrate upgrade is the gate: it evaluates every workload under both versions and translates the values files for the new charts.' : ''}`,
      commands: [
        `helm get values -n kyverno kyverno | sed '/USER-SUPPLIED VALUES:/d' > ${installedKv}`,
        `helm get values -n kyverno kyverno-policies | sed '/USER-SUPPLIED VALUES:/d' > ${installedPv}`,
        ...(gated
          ? [`podgate migrate upgrade --kubernetes ${u.kubernetes} ${o.clusterArg} --values ${installedPv} --kyverno-values ${installedKv} --out-dir ${UPGRADE_DIR}   # the gate: exit 0 = no workload newly denied or newly allowed`]
          : []),
        `podgate chart render --chart-version ${u.policiesChart} -f ${pv} > /dev/null   # shows warnings for the new chart`,
        `helm upgrade --wait --version ${u.kyvernoChart} -f ${kv} --timeout 10m0s --namespace kyverno kyverno kyverno/kyverno`,
        ...(gated ? [`[ ! -f ${UPGRADE_DIR}/policyexceptions.yaml ] || kubectl apply -f ${UPGRADE_DIR}/policyexceptions.yaml   # PolicyExceptions as kyverno.io/v2beta1`] : []),
        // No --set: the action is the one the values hold (what runs now, and what the gate judged).
        `helm upgrade --wait --version ${u.policiesChart} -f ${pv} --timeout 10m0s --namespace kyverno kyverno-policies kyverno/kyverno-policies`,
      ],
      checks: [
        ...(gated ? ['podgate migrate upgrade exited 0 (no workload newly denied, none denied today newly allowed) before anything was upgraded; read its warnings about values with no effect'] : []),
        'kubectl -n kyverno get pods: every pod Running and Ready',
        'kubectl get clusterpolicy: every policy READY true',
        ENFORCE_CHECK,
      ],
      rollback: ['helm rollback -n kyverno kyverno-policies', 'helm rollback -n kyverno kyverno'],
      enforcement: 'Kyverno (Enforce)',
    });
    running = u.kyvernoApp;
  }
  return out;
}

/**
 * Kubernetes >= 1.25: PSP no longer exists, so nothing from PSP enforces today. Kyverno is installed,
 * its policies run in Audit until the audit is clean, then they are switched to Enforce.
 */
function buildPlanWithoutPsp(o: PlanOptions): PlanStep[] {
  const gone = 'no PSP (Pod Security Admission labels only)' as const;
  return [
    {
      id: 'preflight',
      title: `Confirm Kubernetes ${o.kubernetes}: PodSecurityPolicy no longer exists, and back up etcd`,
      why: `PodSecurityPolicy was removed in Kubernetes 1.25: on ${o.kubernetes} no PSP enforces anything, so until Kyverno enforces, pods are checked only by the Pod Security Admission labels set on their namespaces (if any).`,
      commands: ['module load kubernetes', 'kubectl version -o json | grep gitVersion', 'kubectl api-resources | grep -c podsecuritypolicies', 'kubectl get namespaces -L pod-security.kubernetes.io/enforce'],
      checks: [
        `the API server reports Kubernetes v${o.kubernetes}.x`,
        'kubectl api-resources lists no podsecuritypolicies (0)',
        'namespaces without a pod-security.kubernetes.io/enforce label are unprotected until Kyverno enforces: keep this window short',
        'an etcd backup exists (see the BCM etcd backup and restore article)',
      ],
      rollback: ['nothing changed yet'],
      enforcement: gone,
    },
    ...buildPlanWithPsp(o)
      .filter((s) => s.id === 'permissions-manager' || s.id === 'backup-users' || s.id === 'audit')
      .map((s) => ({ ...s, enforcement: gone })),
    {
      id: 'install-kyverno',
      title: `Install Kyverno ${o.kyvernoApp} (chart ${o.kyvernoChart})`,
      why: `Chart ${o.kyvernoChart} (Kyverno ${o.kyvernoApp}) is the newest version podgate verified that is tested on Kubernetes ${o.kubernetes}.${o.kyvernoNote ? ` ${o.kyvernoNote}` : ''}`,
      commands: [
        'module load kubernetes',
        'helm repo add kyverno https://kyverno.github.io/kyverno/ && helm repo update',
        `helm install --wait --create-namespace --version ${o.kyvernoChart} -f ${o.kyvernoValues} --timeout 10m0s --namespace kyverno kyverno kyverno/kyverno`,
      ],
      checks: ['kubectl -n kyverno get pods: every pod Running and Ready', 'kubectl get validatingwebhookconfigurations | grep kyverno'],
      rollback: ['helm uninstall -n kyverno kyverno', 'kubectl delete validatingwebhookconfiguration,mutatingwebhookconfiguration -l webhook.kyverno.io/managed-by=kyverno'],
      enforcement: gone,
    },
    {
      id: 'policies-audit',
      title: `Install kyverno-policies ${o.policiesChart} in Audit`,
      why: 'Kyverno reports what it would deny on live traffic before anything is refused.',
      commands: [helmPoliciesCommand(o, 'install', ' --set validationFailureAction=Audit')],
      checks: [
        'kubectl get clusterpolicy: every policy READY true',
        "kubectl get policyreport -A -o jsonpath='{range .items[*]}{.metadata.namespace}{\" \"}{.summary.fail}{\"\\n\"}{end}': fail is 0 outside user namespaces",
      ],
      rollback: ['helm uninstall -n kyverno kyverno-policies'],
      enforcement: 'Kyverno (Audit)',
    },
    {
      id: 'enforce',
      title: 'Switch the policies to Enforce',
      why: 'From here Kyverno refuses what the policies forbid; the audit was clean, so nothing that runs today is refused.',
      commands: [helmPoliciesCommand(o, 'upgrade', ' --set validationFailureAction=Enforce')],
      checks: [ENFORCE_CHECK, 'kubectl create -f /tmp/pod.yaml -n <user>-restricted as a regular user is refused by validate.kyverno.svc-fail'],
      rollback: [helmPoliciesCommand(o, 'upgrade', ' --set validationFailureAction=Audit')],
      enforcement: 'Kyverno (Enforce)',
    },
    ...upgradeSteps(o),
  ];
}

function buildPlanWithPsp(o: PlanOptions): PlanStep[] {
  const helmPolicies = (action: 'install' | 'upgrade', extra = '') =>
    `helm ${action} --wait --version ${o.policiesChart} -f ${o.policiesValues}${extra} --timeout 10m0s --namespace kyverno kyverno-policies kyverno/kyverno-policies`;
  return [
    {
      id: 'preflight',
      title: 'Check that PSP is enforced today and back up etcd',
      why: 'The plan relies on PSP enforcing until the last step; if it is already off, the cluster is unprotected now.',
      commands: ['module load kubernetes', CMSH_CHECK, 'kubectl get psp', 'kubectl version -o json | grep gitVersion'],
      checks: [
        'the admissioncontrol list contains PodSecurityPolicy',
        `the API server reports Kubernetes v${o.kubernetes}.x`,
        'an etcd backup exists (see the BCM etcd backup and restore article)',
      ],
      rollback: ['nothing changed yet'],
      enforcement: 'PSP',
    },
    {
      id: 'permissions-manager',
      title: 'Update the Permissions Manager (supports both PSP and Kyverno)',
      why: 'The permission-user charts must be able to render Kyverno policies before Kyverno is installed.',
      commands: [
        'apt update && apt install cm-kubernetes-permissions-manager cmdaemon cm-setup',
        'module load kubernetes',
        'helm upgrade -n cm permissions-manager /cm/shared/apps/kubernetes-permissions-manager/current/helm/cm-kubernetes-permissions-manager-*.tgz',
      ],
      checks: ['helm list -n cm shows permissions-manager deployed', 'kubectl get cmkubernetespermissionuser -n cm-permissions lists every user'],
      rollback: ['helm rollback -n cm permissions-manager'],
      enforcement: 'PSP',
    },
    {
      id: 'backup-users',
      title: 'Back up every permission user',
      why: 'Users, their namespaces and their hostPath grants must survive the migration unchanged.',
      commands: [`cm-kubernetes-setup --backup-permissions ${o.usersBackup}`, `podgate users backup ${o.clusterArg} --out podgate-${o.usersBackup}`],
      checks: [`${o.usersBackup} and podgate-${o.usersBackup} exist and list every user`],
      rollback: ['nothing changed'],
      enforcement: 'PSP',
    },
    {
      id: 'audit',
      title: 'Audit every workload against the policies the cluster will get, and write the exceptions',
      why: 'Missing exceptions are found now, offline, instead of as refused DaemonSets later.',
      commands: [
        `podgate migrate audit ${o.clusterArg} --values ${o.policiesValues} --chart-version ${o.policiesChart}`,
        `podgate migrate exceptions ${o.clusterArg} --values ${o.policiesValues} --chart-version ${o.policiesChart} --out ${o.policiesValues}.new && mv ${o.policiesValues}.new ${o.policiesValues}`,
        // The diff compares PSP with the policies the cluster will get: the values just written, on the same chart.
        `podgate migrate diff ${o.clusterArg} --values ${o.policiesValues} --chart-version ${o.policiesChart}`,
      ],
      checks: ['the audit lists no system workload violation (only user violations, which stay denied on purpose)', 'every regression in the diff is understood'],
      rollback: ['nothing changed in the cluster'],
      enforcement: 'PSP',
    },
    {
      id: 'psp-for-kyverno',
      title: "Let Kyverno's own pods through PSP",
      why: 'Kyverno is installed while PSP still enforces, so its controllers need a PSP they may use; without one, their ReplicaSets never create pods.',
      commands: ['kubectl create namespace kyverno', ...kyvernoPspGrant(o)],
      checks: [`kubectl auth can-i use podsecuritypolicy/${o.kyvernoPsp ?? '<psp>'} --as=system:serviceaccount:kyverno:kyverno-admission-controller -n kyverno: yes`],
      rollback: ['kubectl delete rolebinding podgate:psp:kyverno -n kyverno', 'kubectl delete clusterrole podgate:psp:kyverno'],
      enforcement: 'PSP',
    },
    {
      id: 'install-kyverno',
      title: `Install Kyverno ${o.kyvernoApp} (chart ${o.kyvernoChart}) while PSP still enforces`,
      why: `Chart ${o.kyvernoChart} (Kyverno ${o.kyvernoApp}) is the newest version podgate verified that is tested on Kubernetes ${o.kubernetes}.${o.kyvernoNote ? ` ${o.kyvernoNote}` : ''}`,
      commands: [
        'module load kubernetes',
        'helm repo add kyverno https://kyverno.github.io/kyverno/ && helm repo update',
        `helm install --wait --create-namespace --version ${o.kyvernoChart} -f ${o.kyvernoValues} --timeout 10m0s --namespace kyverno kyverno kyverno/kyverno`,
      ],
      checks: ['kubectl -n kyverno get pods: every pod Running and Ready', 'kubectl get validatingwebhookconfigurations | grep kyverno'],
      rollback: ['helm uninstall -n kyverno kyverno', 'kubectl delete validatingwebhookconfiguration,mutatingwebhookconfiguration -l webhook.kyverno.io/managed-by=kyverno'],
      enforcement: 'PSP',
    },
    {
      id: 'policies-audit',
      title: `Install kyverno-policies ${o.policiesChart} in Audit`,
      why: 'Kyverno now reports what it would deny on live traffic, while PSP keeps enforcing.',
      commands: [helmPolicies('install', ' --set validationFailureAction=Audit')],
      checks: [
        'kubectl get clusterpolicy: every policy READY true',
        "kubectl get policyreport -A -o jsonpath='{range .items[*]}{.metadata.namespace}{\" \"}{.summary.fail}{\"\\n\"}{end}': fail is 0 outside user namespaces",
        'optionally run `podgate serve --mode shadow` for a day to catch pods created later (feature discovery, jobs)',
      ],
      rollback: ['helm uninstall -n kyverno kyverno-policies'],
      enforcement: 'PSP + Kyverno (Audit)',
    },
    {
      id: 'enforce',
      title: 'Switch the policies to Enforce, still under PSP',
      why: 'Both controllers now enforce; since the audit was clean, nothing that runs today is refused, and there is never a moment with neither.',
      commands: [helmPolicies('upgrade', ' --set validationFailureAction=Enforce'), 'helm upgrade -n cm permissions-manager /cm/shared/apps/kubernetes-permissions-manager/current/helm/cm-kubernetes-permissions-manager-*.tgz --reuse-values'],
      checks: [
        ENFORCE_CHECK,
        'kubectl create -f /tmp/pod.yaml -n <user>-restricted as a regular user is refused (by PSP and by Kyverno)',
      ],
      rollback: [helmPolicies('upgrade', ' --set validationFailureAction=Audit')],
      enforcement: 'PSP + Kyverno (Enforce)',
    },
    {
      id: 'disable-psp',
      title: 'Disable PSP',
      why: 'Kyverno already enforces the same rules, so turning PSP off opens no window.',
      commands: ['cm-kubernetes-setup --disable-psp', CMSH_CHECK, 'kubectl delete rolebinding podgate:psp:kyverno -n kyverno; kubectl delete clusterrole podgate:psp:kyverno'],
      checks: [
        'the admissioncontrol list no longer contains PodSecurityPolicy',
        'kubectl create -f /tmp/pod.yaml -n <user>-restricted as a regular user is refused by validate.kyverno.svc-fail',
        'kubectl get events -A --field-selector reason=FailedCreate shows no new refusals of system workloads',
      ],
      // With PSP back, Kyverno's pods need their grant again: without it a restarted admission controller
      // is refused, and its webhooks fail closed.
      rollback: [...kyvernoPspGrant(o), 'cm-kubernetes-setup --psp (PSP enforces again; Kyverno keeps enforcing)'],
      enforcement: 'Kyverno (Enforce)',
    },
    ...upgradeSteps(o),
  ];
}

/** Renders the plan as numbered text. */
export function formatPlan(steps: readonly PlanStep[]): string {
  const out: string[] = [];
  steps.forEach((s, i) => {
    out.push(`${i + 1}. ${s.title}`, `   why: ${s.why}`, `   enforced by: ${s.enforcement}`, '   run:');
    for (const c of s.commands) out.push(`     ${c}`);
    out.push('   check before going on:');
    for (const c of s.checks) out.push(`     - ${c}`);
    out.push('   rollback:');
    for (const c of s.rollback) out.push(`     ${c}`);
    out.push('');
  });
  return out.join('\n');
}

/** The kyverno chart values of the seed (step 6): one replica per controller, tolerating control-plane taints. */
export function defaultKyvernoChartValues(): Record<string, unknown> {
  const tolerations = ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane'].map((key) => ({ effect: 'NoSchedule', key, operator: 'Exists' }));
  const ctl = { replicas: 1, tolerations };
  return {
    admissionController: ctl,
    backgroundController: ctl,
    cleanupController: ctl,
    cleanupJobs: { admissionReports: { tolerations }, clusterAdmissionReports: { tolerations } },
    policyReportsCleanup: { tolerations },
    reportsController: ctl,
    webhooksCleanup: { tolerations },
  };
}
