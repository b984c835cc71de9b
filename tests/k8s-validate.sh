#!/usr/bin/env bash
# Validates the Kubernetes manifests of examples/sweep/k8s/ with kubernetes-validate (PyPI),
# which ships the Kubernetes OpenAPI schemas and validates offline: --strict rejects unknown
# fields, against the oldest version where everything used is GA (1.33: backoffLimitPerIndex)
# and the newest the package ships. Then checks what no schema can: the sweep's shard count is
# the same in `completions`, JOB_COMPLETIONS and the merge Job's shard list; the sweep writes to
# /data/shard-$(JOB_COMPLETION_INDEX); every volume a container mounts exists.
# A mutated copy of the sweep Job must fail, so the validator is known to look.
# Env: KEYLINT_VENV (default /tmp/keylint-ci-venv).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${KEYLINT_VENV:-/tmp/keylint-ci-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
[ -x "$venv/bin/kubernetes-validate" ] ||
  "$venv/bin/pip" install -q --disable-pip-version-check 'kubernetes-validate==1.37.0'
cd "$root/examples/sweep/k8s"
manifests=(./*.yaml)
passed=0
for version in 1.33.0 1.37.0; do
  "$venv/bin/kubernetes-validate" --strict --quiet -k "$version" "${manifests[@]}"
  echo "ok: kubernetes-validate --strict -k $version on ${#manifests[@]} manifests"; passed=$((passed + 1))
done

bad=$(mktemp -d)
trap 'rm -rf "$bad"' EXIT
for mutation in 's/^  completions: 4/  completions: four/;four' 's/^  parallelism: 4/  paralelism: 4/;paralelism'; do
  sed "${mutation%;*}" sweep-job.yaml >"$bad/sweep-job.yaml"
  if "$venv/bin/kubernetes-validate" --strict --quiet "$bad/sweep-job.yaml" >"$bad/out" 2>&1; then
    echo "kubernetes-validate accepted sweep-job.yaml with ${mutation##*;}" >&2; exit 1
  fi
  grep -q "${mutation##*;}" "$bad/out" || { cat "$bad/out" >&2; echo "the error does not name ${mutation##*;}" >&2; exit 1; }
done
echo "ok: a mutated sweep Job is rejected (a string for an integer, an unknown field)"; passed=$((passed + 1))

"$venv/bin/python" - <<'PY'
import sys, yaml
sweep = yaml.safe_load(open("sweep-job.yaml"))
merge = yaml.safe_load(open("merge-job.yaml"))
spec = sweep["spec"]
assert spec["completionMode"] == "Indexed", spec["completionMode"]
n = spec["completions"]
assert 1 <= spec["parallelism"] <= n, (spec["parallelism"], n)
(container,) = sweep["spec"]["template"]["spec"]["containers"]
env = {e["name"]: e.get("value") for e in container["env"]}
assert env["JOB_COMPLETIONS"] == str(n), (env["JOB_COMPLETIONS"], n)
args = container["args"]
assert args[:3] == ["sweep", "--repos", "/config/repos.txt"], args
assert args[args.index("--out") + 1] == "/data/shard-$(JOB_COMPLETION_INDEX)", args
assert "--shard" not in args, "the shard comes from JOB_COMPLETION_INDEX / JOB_COMPLETIONS"
(merger,) = merge["spec"]["template"]["spec"]["containers"]
margs = merger["args"]
shards = margs[1 : margs.index("--out")]
assert shards == [f"/data/shard-{i}" for i in range(n)], (shards, n)
for doc in (sweep, merge):
    pod = doc["spec"]["template"]["spec"]
    volumes = {v["name"] for v in pod["volumes"]}
    for c in pod["containers"]:
        for m in c.get("volumeMounts", []):
            assert m["name"] in volumes, (doc["metadata"]["name"], m["name"])
        assert "memory" in c["resources"]["limits"] and "cpu" in c["resources"]["requests"]
print(f"ok: {n} shards in completions, JOB_COMPLETIONS and the merge's shard list; mounts and resources")
PY
passed=$((passed + 1))
echo "k8s-validate: $passed passed, 0 failed"
