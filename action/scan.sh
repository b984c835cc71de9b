#!/usr/bin/env bash
# Runs keylint for the action's mode and records its exit code (the `result` step fails with it
# after the SARIF upload). Env: see action.yml's `scan` step.
set -euo pipefail

fail() { echo "::error title=keylint::$*"; exit 2; }
zero=0000000000000000000000000000000000000000

args=(scan "$INPUT_PATH" --format "$INPUT_FORMAT" --fail-on "$INPUT_FAIL_ON" --sarif-output "$INPUT_SARIF_FILE")
[ -z "$INPUT_CONFIG" ] || args+=(--config "$INPUT_CONFIG")

# The range a pull request or push covers (inputs win).
case "$EVENT_NAME" in
  pull_request | pull_request_target) base=$PR_BASE_SHA head=$PR_HEAD_SHA ;;
  push) base=$PUSH_BEFORE head=$PUSH_AFTER ;;
  *) base="" head="" ;;
esac
base=${INPUT_BASE:-$base}
head=${INPUT_HEAD:-$head}
[ "$base" != "$zero" ] || base=""
for rev in "$base" "$head"; do
  case "$rev" in -*) fail "base and head must be revisions, not '$rev'" ;; esac
done

# keylint never uses the network: commits the checkout lacks are fetched here, authenticated
# with the token when the checkout did not persist credentials (and never twice).
git_fetch() {
  local header="http.${SERVER_URL:-https://github.com}/.extraheader"
  if [ -n "${INPUT_TOKEN:-}" ] && [ -z "$(git -C "$INPUT_PATH" config --get "$header" || true)" ]; then
    local basic
    basic=$(printf 'x-access-token:%s' "$INPUT_TOKEN" | base64 | tr -d '\n')
    echo "::add-mask::$basic"
    GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="$header" GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $basic" \
      git -C "$INPUT_PATH" fetch --quiet --no-tags "$@"
  else
    git -C "$INPUT_PATH" fetch --quiet --no-tags "$@"
  fi
}
has_commit() { git -C "$INPUT_PATH" cat-file -e "$1^{commit}" 2>/dev/null; }

case "$INPUT_MODE" in
  commits)
    if [ -z "$base" ]; then
      echo "keylint: no base revision for a '$EVENT_NAME' event; scanning the whole tree"
      args+=(--hidden)
    else
      head=${head:-$(git -C "$INPUT_PATH" rev-parse HEAD)}
      # Every commit between base and head must be here: a shallow checkout is deepened.
      if [ "$(git -C "$INPUT_PATH" rev-parse --is-shallow-repository)" = true ]; then
        git_fetch --unshallow origin "$base" "$head"
      elif ! has_commit "$base" || ! has_commit "$head"; then
        git_fetch origin "$base" "$head"
      fi
      args+=(--commits "$base..$head")
    fi ;;
  diff)
    if [ -z "$base" ]; then
      echo "keylint: no base revision for a '$EVENT_NAME' event; scanning the whole tree"
      args+=(--hidden)
    else
      # Only the base's tree is compared: depth 1 is enough.
      has_commit "$base" || git_fetch --depth=1 origin "$base"
      args+=(--diff "$base..HEAD")
    fi ;;
  # Dotfiles such as .env are where keys live: scan hidden files too (git's own directory is
  # always skipped).
  full) args+=(--hidden) ;;
  history) args+=(--history) ;;
  *) fail "mode must be commits, diff, full or history, not '$INPUT_MODE'" ;;
esac

code=0
"$KEYLINT" "${args[@]}" || code=$?
{
  echo "sarif-file=$INPUT_SARIF_FILE"
  echo "sarif-category=${INPUT_SARIF_CATEGORY:-keylint-$INPUT_MODE}"
  echo "exit-code=$code"
} >> "$GITHUB_OUTPUT"
