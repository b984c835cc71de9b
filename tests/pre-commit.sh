#!/usr/bin/env bash
# End-to-end check of every hook in .pre-commit-hooks.yaml with the real `pre-commit` from PyPI:
#   1. for each hook (`keylint`: the wheel through pip; `keylint-src`: built with cargo by
#      pre-commit; `keylint-system`: keylint on PATH), `pre-commit try-repo` on a temporary
#      repository with a staged synthetic OKX key fails and prints keylint's diagnostic (never
#      the whole key);
#   2. with the default hook installed, `git commit` is blocked, then allowed once the key is
#      replaced by a reference — also when the fix is only staged, not in the working tree.
# No network for the hooks themselves: pip resolves `keylint==<version>` (setup.py's
# dependency) from a local wheel built by tests/wheel.sh's recipe (PIP_NO_INDEX, PIP_FIND_LINKS),
# and cargo builds `keylint-src` from the vendored registry cache like any cargo build here.
# Env: KEYLINT_VENV (default /tmp/keylint-ci-venv) holds pre-commit and maturin.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${KEYLINT_VENV:-/tmp/keylint-ci-venv}
pip() { "$venv/bin/pip" install -q --disable-pip-version-check "$@"; }
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
[ -x "$venv/bin/pre-commit" ] || pip 'pre-commit==4.7.0'
[ -x "$venv/bin/maturin" ] || pip 'maturin==1.16.0'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "pre-commit test FAILED: $*" >&2; exit 1; }
passed=0

# keylint-system finds this keylint on PATH; the wheel and setup.py's build dependencies are
# the only things pip may install.
cargo build -q --manifest-path "$root/Cargo.toml" --bin keylint
wheels="$work/wheels"
(cd "$root/python" && "$venv/bin/maturin" build --quiet --profile dev --out "$wheels") >/dev/null 2>&1
"$venv/bin/pip" download -q --disable-pip-version-check --dest "$wheels" setuptools wheel
export PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheels"

export PATH="$root/target/debug:$venv/bin:$PATH"
export PRE_COMMIT_HOME="$work/pre-commit-home" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
# keylint-src compiles keylint inside pre-commit's environment (`cargo install`, release
# profile): share a target directory and skip LTO so the test does not take the time of a
# real release build.
export CARGO_TARGET_DIR="$root/target/pre-commit" CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_OPT_LEVEL=0

# The hook repository: this project's files (tracked and new, not ignored), committed (pre-commit
# clones it).
hooks="$work/hooks"
mkdir -p "$hooks"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$hooks")
git -C "$hooks" init -q -b main && git -C "$hooks" add . && git -C "$hooks" commit -qm hooks
rev=$(git -C "$hooks" rev-parse HEAD)

# The project being committed to, with a synthetic key (random upper-case hex32) staged.
repo="$work/repo"
mkdir -p "$repo" && cd "$repo" && git init -q -b main
key=$(python3 -c 'import secrets; print(secrets.token_hex(16).upper())')
printf 'MODE=paper\n' > bot.env
git add bot.env && git commit -qm initial
printf 'MODE=paper\nOKX_SECRET_KEY=%s\n' "$key" > bot.env
git add bot.env

# 1. try-repo: each documented hook runs against the staged files.
hook_ids=$(sed -n 's/^- id: //p' "$root/.pre-commit-hooks.yaml")
[ "$(echo "$hook_ids" | tr '\n' ' ')" = "keylint keylint-src keylint-system " ] || fail "hooks changed: $hook_ids"
for id in $hook_ids; do
  set +e
  out=$(pre-commit try-repo "$hooks" "$id" --ref "$rev" 2>&1); code=$?
  set -e
  [ "$code" -ne 0 ] || fail "$id: try-repo passed with a staged key: $out"
  grep -q "okx-secret-key" <<<"$out" || fail "$id: no diagnostic in try-repo output: $out"
  grep -q "bot.env" <<<"$out" || fail "$id: no path in try-repo output: $out"
  grep -q "staged for commit" <<<"$out" || fail "$id: the message does not say the key is staged: $out"
  ! grep -q "$key" <<<"$out" || fail "$id: the whole key was printed"
  echo "ok: try-repo $id blocks the staged key"; passed=$((passed + 1))
done

# 2. the installed default hook blocks `git commit`.
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: keylint
YAML
git add .pre-commit-config.yaml
pre-commit install >/dev/null
set +e
out=$(git commit -m "add key" 2>&1); code=$?
set -e
[ "$code" -ne 0 ] || fail "git commit succeeded with a staged key"
grep -q "okx-secret-key" <<<"$out" || fail "no diagnostic when the commit was blocked: $out"
! grep -q "$key" <<<"$out" || fail "the whole key was printed"
[ "$(git rev-list --count HEAD)" = 1 ] || fail "a commit was recorded"
# The default hook runs the wheel's binary (installed by pip), not the one on PATH.
ls "$PRE_COMMIT_HOME"/repo*/py_env-*/bin/keylint >/dev/null 2>&1 || fail "the keylint hook did not install the wheel"
echo "ok: git commit is blocked"; passed=$((passed + 1))
sed "s/^/    /" <<<"$out" | head -20

# The working tree is fixed but the key is still staged: still blocked.
printf 'MODE=paper\nOKX_SECRET_KEY=${OKX_SECRET_KEY}\n' > bot.env
set +e
git commit -m "add key" >/dev/null 2>&1; code=$?
set -e
[ "$code" -ne 0 ] || fail "commit allowed while the staged content still has the key"
echo "ok: still blocked while only the working tree is fixed"; passed=$((passed + 1))

# Staged fix: allowed.
git add bot.env
git commit -qm "reference the key from the environment" >/dev/null 2>&1 || fail "git commit blocked after the fix"
[ "$(git rev-list --count HEAD)" = 2 ] || fail "the fixed commit was not recorded"
echo "ok: git commit is allowed after the fix"; passed=$((passed + 1))
echo "pre-commit: $passed passed, 0 failed"
