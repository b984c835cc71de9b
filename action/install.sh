#!/usr/bin/env bash
# Installs keylint into $KEYLINT_DIR/bin (cached by action.yml): the release archive for the
# runner, its SHA-256 checked against the release's SHA256SUMS (a mismatch fails the step), or
# `cargo install` of the action's checkout when there is no release binary for this ref.
# Env: ACTION_PATH, KEYLINT_DIR, KEYLINT_SOURCE, KEYLINT_VERSION, KEYLINT_TARGET, KEYLINT_URL,
# KEYLINT_COMMIT (set when the action is pinned by SHA).
set -euo pipefail

mkdir -p "$KEYLINT_DIR/bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# Returns 1 (fall back to cargo) when the release has no binary for this runner; exits on a
# checksum mismatch, which is never a reason to run something else.
install_release() {
  local name="keylint-v$KEYLINT_VERSION-$KEYLINT_TARGET" ext=tar.gz
  case "$KEYLINT_TARGET" in *windows*) ext=zip ;; esac
  if [ -n "${KEYLINT_COMMIT:-}" ]; then
    local released
    released=$(curl -fsSL --retry 3 "$KEYLINT_URL/COMMIT" 2>/dev/null | tr -d '[:space:]') || released=""
    if [ "$released" != "$KEYLINT_COMMIT" ]; then
      echo "keylint: $KEYLINT_COMMIT is not the commit of release v$KEYLINT_VERSION; building it from source"
      return 1
    fi
  fi
  curl -fsSL --retry 3 -o "$tmp/$name.$ext" "$KEYLINT_URL/$name.$ext" || {
    echo "keylint: no release binary $name.$ext; building from source"
    return 1
  }
  curl -fsSL --retry 3 -o "$tmp/SHA256SUMS" "$KEYLINT_URL/SHA256SUMS" || {
    echo "::error title=keylint::release v$KEYLINT_VERSION has $name.$ext but no SHA256SUMS"
    exit 1
  }
  local expected actual
  expected=$(awk -v f="$name.$ext" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
  actual=$(sha256 "$tmp/$name.$ext")
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    echo "::error title=keylint::checksum mismatch for $name.$ext (expected '${expected:-none}', got $actual)"
    exit 1
  fi
  case "$ext" in
    zip) unzip -q "$tmp/$name.$ext" -d "$tmp" ;;
    *) tar -xzf "$tmp/$name.$ext" -C "$tmp" ;;
  esac
  local bin=keylint
  case "$KEYLINT_TARGET" in *windows*) bin=keylint.exe ;; esac
  cp "$tmp/$name/$bin" "$KEYLINT_DIR/bin/$bin"
  chmod +x "$KEYLINT_DIR/bin/$bin"
  echo "keylint: installed release v$KEYLINT_VERSION ($KEYLINT_TARGET, sha256 $actual)"
}

if [ "$KEYLINT_SOURCE" = release ] && install_release; then
  exit 0
fi
command -v cargo >/dev/null 2>&1 || { echo "::error title=keylint::no release binary for this runner and no cargo to build one"; exit 1; }
cargo install --locked --path "$ACTION_PATH" --root "$KEYLINT_DIR"
