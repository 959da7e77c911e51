#!/usr/bin/env bash
# The single executable as a head-node admin runs it: copied alone into an empty folder with a copy of
# the sample cluster, PATH=/usr/bin:/bin (no Node.js, no node_modules), `migrate run` writes the
# report; its outputs equal those of the same run under the Node.js that runs CI.
# Usage: scripts/check-binary.sh [dist/podgate-linux-x64]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-dist/podgate-linux-x64}")
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/binary" "$work/node"
cp "$bin" "$work/binary/podgate"
cp -r examples/bcm-9.2-k8s-1.24 "$work/binary/sample"
cp -r examples/bcm-9.2-k8s-1.24 "$work/node/sample"

cd "$work/binary"
env -i PATH=/usr/bin:/bin HOME="$work/binary" ./podgate version -o json > version.json
node_version=$(sed -n 's/.*"node": "v\([0-9]*\)\..*/\1/p' version.json)
if [ "${node_version:-0}" -lt 24 ]; then echo "check-binary: the binary carries node ${node_version:-?}, expected >= 24" >&2; exit 1; fi
env -i PATH=/usr/bin:/bin HOME="$work/binary" ./podgate migrate run --cluster sample --out-dir out > run.txt
# /usr/bin may hold a node; with no PATH at all the binary still runs (it never looks for one).
mkdir empty-path && env -i PATH="$work/binary/empty-path" ./podgate version -o json | cmp -s - version.json
test -s out/report.html
# `podgate … | head`: a reader that went away costs no stack trace; the run still writes its files, exit 141.
node -e '
const { spawn } = require("node:child_process");
const c = spawn(process.argv[1], ["migrate", "run", "--cluster", "sample", "--out-dir", "out-closed"], { stdio: ["ignore", "pipe", "pipe"], env: { PATH: "/usr/bin:/bin" } });
c.stdout.destroy();
let err = "";
c.stderr.on("data", (d) => { err += d; });
c.on("close", (code) => { if (code !== 141 || /EPIPE|\n\s+at /.test(err)) { console.error(`check-binary: closed stdout gave exit ${code}: ${err}`); process.exit(1); } });
' "$work/binary/podgate"
test -s out-closed/report.html

# The webhook too: serve (audit) answers an AdmissionReview over HTTPS, then exits 0 on SIGTERM.
cp "$repo/src/webhook/testdata/require-run-as-non-root.yaml" policy.yaml
(cd "$repo" && node -e 'process.stdout.write(JSON.stringify(require("yaml").parse(require("fs").readFileSync(process.argv[1], "utf8"))))' src/webhook/testdata/ray-host-mount-pod-review.yaml) > review.json
env -i PATH=/usr/bin:/bin HOME="$work/binary" ./podgate serve --mode audit --policy policy.yaml --tls-self-signed --host 127.0.0.1 --port 0 --metrics-port 0 --no-watch > serve.log 2>&1 &
serve_pid=$!
trap 'kill -TERM "$serve_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port= ready=
for _ in $(seq 1 150); do
  port=${port:-$(sed -n 's/.*"port":\([0-9]*\).*"msg":"listening".*/\1/p' serve.log | head -1)}
  [ -n "$port" ] && curl -sfk "https://127.0.0.1:$port/readyz" > /dev/null && ready=1 && break
  sleep 0.1
done
[ -n "$ready" ] && curl -sfk -H 'content-type: application/json' --data-binary @review.json "https://127.0.0.1:$port/validate/fail" > answer.json || {
  echo "check-binary: serve did not answer (port ${port:-?}, ready ${ready:-no})" >&2; cat serve.log >&2; exit 1
}
kill -TERM "$serve_pid"
wait "$serve_pid" || { echo "check-binary: serve exited $?" >&2; cat serve.log >&2; exit 1; }
grep -q '"allowed":true' answer.json && grep -q 'runAsNonRoot must be true' answer.json || { echo "check-binary: unexpected answer: $(cat answer.json)" >&2; exit 1; }

cd "$work/node"
node "$repo/bin/podgate.js" migrate run --cluster sample --out-dir out > run.txt
cd "$work"
# report.html carries its generation time; everything else must be byte-equal.
diff -r -x report.html -x .podgate-run binary/out node/out
diff <(sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/TIME/g' binary/out/report.html) <(sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/TIME/g' node/out/report.html) > /dev/null
diff binary/run.txt node/run.txt
echo "check-binary: $(basename "$bin") ($(du -m "$bin" | cut -f1) MiB, $(tr -d ' \n' < binary/version.json)) ran migrate run alone in an empty folder (outputs equal node $(node --version)'s) and served an AdmissionReview"
