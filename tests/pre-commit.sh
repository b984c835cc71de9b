#!/usr/bin/env bash
# End-to-end check of .pre-commit-hooks.yaml with the real `pre-commit` from PyPI:
#   1. `pre-commit try-repo` on a temporary repository with a staged synthetic OKX key fails
#      and prints keylint's diagnostic (never the whole key);
#   2. with the hook installed, `git commit` is blocked, then allowed once the key is replaced
#      by a reference — also when the fix is only staged, not in the working tree.
# Uses the `keylint-system` hook with the keylint built by cargo on PATH (the `rust` hook would
# compile keylint again inside pre-commit's cache).
# Env: KEYLINT_VENV (default /tmp/keylint-ci-venv) holds pre-commit; it is created if missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${KEYLINT_VENV:-/tmp/keylint-ci-venv}
[ -x "$venv/bin/pre-commit" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check 'pre-commit>=3.2'; }

cargo build -q --manifest-path "$root/Cargo.toml" --bin keylint
export PATH="$root/target/debug:$venv/bin:$PATH"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE

fail() { echo "pre-commit test FAILED: $*" >&2; exit 1; }

# The hook repository: this project's manifest, committed (pre-commit clones it).
hooks="$work/hooks"
mkdir -p "$hooks" && cp "$root/.pre-commit-hooks.yaml" "$hooks/"
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

# 1. try-repo: runs the hook against the staged files.
set +e
out=$(pre-commit try-repo "$hooks" keylint-system --ref "$rev" 2>&1); code=$?
set -e
[ "$code" -ne 0 ] || fail "try-repo passed with a staged key: $out"
grep -q "okx-secret-key" <<<"$out" || fail "no diagnostic in try-repo output: $out"
grep -q "bot.env" <<<"$out" || fail "no path in try-repo output: $out"
! grep -q "$key" <<<"$out" || fail "the whole key was printed"
echo "ok: try-repo blocks the staged key"

# 2. the installed hook blocks `git commit`.
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: keylint-system
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
echo "ok: git commit is blocked"; sed "s/^/    /" <<<"$out" | head -20

# The working tree is fixed but the key is still staged: still blocked.
printf 'MODE=paper\nOKX_SECRET_KEY=${OKX_SECRET_KEY}\n' > bot.env
set +e
git commit -m "add key" >/dev/null 2>&1; code=$?
set -e
[ "$code" -ne 0 ] || fail "commit allowed while the staged content still has the key"

# Staged fix: allowed.
git add bot.env
git commit -qm "reference the key from the environment" >/dev/null 2>&1 || fail "git commit blocked after the fix"
[ "$(git rev-list --count HEAD)" = 2 ] || fail "the fixed commit was not recorded"
echo "ok: git commit is allowed after the fix"
echo "pre-commit: 3 passed, 0 failed"
