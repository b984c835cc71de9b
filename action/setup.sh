#!/usr/bin/env bash
# Decides how the action gets keylint and where it is cached (step outputs for action.yml):
#   - `source=release`: the release archive for this runner, when the action is used from a
#     release tag (`uses: org/keylint@v0.1.0`), from a full commit SHA (checked against the
#     release's COMMIT file by install.sh) or with the `version` input (never for a local
#     `uses: ./`, which has no release to download from);
#   - `source=cargo`: `cargo install` of the action's own checkout, for branches and local
#     (`uses: ./`) refs, keyed by a hash of the sources.
# Env: ACTION_PATH, ACTION_REF, ACTION_REPOSITORY, SERVER_URL, INPUT_VERSION, RUNNER_OS,
# RUNNER_ARCH, GITHUB_OUTPUT.
set -euo pipefail

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ACTION_PATH/Cargo.toml" | head -n 1)
release="" commit=""
if [ -n "${INPUT_VERSION:-}" ]; then
  release=${INPUT_VERSION#v}
elif [ "${ACTION_REF:-}" = "v$version" ]; then
  release=$version
elif [[ "${ACTION_REF:-}" =~ ^[0-9a-f]{40}$ ]]; then
  # Pinned by SHA: the release binary only if that SHA is the release's commit.
  release=$version commit=$ACTION_REF
fi
case "$release" in *[!0-9A-Za-z.+-]*) echo "::error title=keylint::version must look like 1.2.3, not '$release'"; exit 2 ;; esac

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) target="" ;;
esac

dir="${RUNNER_TOOL_CACHE:-$HOME}/keylint-action"
if [ -n "$release" ] && [ -n "$target" ] && [ -n "${ACTION_REPOSITORY:-}" ]; then
  source=release
  key="keylint-$release-${commit:-tag}-$target"
  url="${SERVER_URL:-https://github.com}/$ACTION_REPOSITORY/releases/download/v$release"
else
  source=cargo
  # The cache key is the hash of everything that goes into the binary.
  sha256() { if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
  sum=$(cd "$ACTION_PATH" && { find Cargo.toml Cargo.lock build.rs src rules -type f 2>/dev/null || true; } | LC_ALL=C sort | while IFS= read -r f; do sha256 "$f"; done | sha256 | cut -c1-20)
  key="keylint-src-$sum-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}"
  url=""
fi
{
  echo "dir=$dir/$key"
  echo "key=$key"
  echo "source=$source"
  echo "version=$release"
  echo "target=$target"
  echo "url=$url"
  echo "commit=$commit"
} >> "$GITHUB_OUTPUT"
echo "keylint: $source${release:+ v$release}${target:+ for $target} (cache key $key)"
