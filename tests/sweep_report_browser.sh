#!/usr/bin/env bash
# The sweep's report.html in a real browser (Debian's chromium, headless): renders the page from
# a synthetic sweep output (tests/sweep_report_sample.py, via `cargo run --example
# sweep_report_sample`), then checks with chromium:
#   - no console message at all while the page loads and runs its self-test: chromium's
#     `--enable-logging=stderr --v=0` prints every console message, uncaught exception and CSP
#     violation as an `INFO:CONSOLE` line (a control page with a console.error and an uncaught
#     exception proves first that this chromium still prints them);
#   - `report.html#selftest&q=…` drives the page's own event handlers (a change event per
#     severity, exchange and repository option, an input event in the text box, clicks on the
#     Line header twice and the Repository header once), counts the rows left visible, checks
#     the order, and writes what it saw into #selftest: the dumped DOM's self-test must equal
#     expected-selftest.txt, computed by the generator from the JSON alone;
#   - the dumped DOM holds exactly one finding row per finding line and no <img> (the hostile
#     strings stayed text);
#   - the same for a sweep with zero findings;
#   - a screenshot of the page, target/sweep-report-test/report.png (look at it).
# Installs chromium with apt-get when it is missing (as root, or through sudo).
# Env: SWEEP_REPORT_TEST_DIR (default target/sweep-report-test).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${SWEEP_REPORT_TEST_DIR:-$root/target/sweep-report-test}
rm -rf "$out"
mkdir -p "$out"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; else
    echo "chromium is missing and neither root nor sudo is available to apt-get install it" >&2; exit 1
  fi
  echo "installing chromium (Debian package) with apt-get"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium; } >"$out/apt.log" 2>&1 ||
    { tail -n 20 "$out/apt.log" >&2; echo "could not install chromium with apt-get" >&2; exit 1; }
fi
chromium --version 2>/dev/null | grep -v 'unexpected operator' || true

browse() { # browse LOG ARGS... : one headless chromium run, console messages on LOG
  local log=$1; shift
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --user-data-dir="$out/profile" --enable-logging=stderr --v=0 "$@" 2>"$log"
}
passed=0
pass() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*" >&2; echo "sweep report browser: $passed passed, 1 failed"; exit 1; }

# 1. The console-message check can see errors at all.
cat >"$out/control.html" <<'HTML'
<!DOCTYPE html><html><body><script>console.error("control-console-error"); null.f();</script></body></html>
HTML
browse "$out/control.log" --dump-dom "file://$out/control.html" >/dev/null
if ! grep -q ':CONSOLE.*"control-console-error"' "$out/control.log" ||
  ! grep -q ':CONSOLE.*"Uncaught TypeError' "$out/control.log"; then
  fail "chromium did not log the control page's console error and exception (see $out/control.log)"
fi
pass "console messages are visible in chromium's log (control page)"

cargo build --quiet --locked --example sweep_report_sample
render=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/examples/sweep_report_sample

check_page() { # check_page NAME FINDINGS: generate, render, load with the self-test, compare
  local name=$1 count=$2 dir="$out/$1"
  python3 tests/sweep_report_sample.py "$dir" "$count" >/dev/null
  "$render" "$dir/summary.json" "$dir/findings.jsonl" "$dir/report.html" \
    'https://github.com/{repository}/blob/{commit}/{path}#L{line}' 2>/dev/null
  browse "$dir/chromium.log" --dump-dom "file://$dir/report.html#selftest&q=kraken-private-key" >"$dir/dom.html"
  if grep ':CONSOLE' "$dir/chromium.log" >&2; then fail "$name: console messages (above) while loading report.html"; fi
  pass "$name: no console message while loading and self-testing report.html"
  python3 - "$dir" "$count" <<'PY' || fail "$name: the self-test or the rows differ from what the generator expects"
import html, re, sys
d, count = sys.argv[1], int(sys.argv[2])
dom = open(f"{d}/dom.html", encoding="utf-8").read()
m = re.search(r'<pre id="selftest" class="ran">(.*?)</pre>', dom, re.S)
if not m:
    sys.exit("no self-test output in the DOM: the page's script did not run")
got, want = html.unescape(m.group(1)), open(f"{d}/expected-selftest.txt", encoding="utf-8").read()
if got != want:
    import difflib
    sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "expected", "page"))
    sys.exit(1)
body = re.search(r'<table class="sortable" id="findings-table">.*?<tbody>(.*?)</tbody>', dom, re.S).group(1)
rows = len(re.findall(r'<tr class="sev-', body))
if rows != count:
    sys.exit(f"{rows} finding rows in the DOM, want {count}")
if "<img" in dom:
    sys.exit("an <img> element in the DOM: a hostile string was not escaped")
print(f"  {rows} rows; self-test: {len(want.splitlines())} lines as expected")
PY
  pass "$name: self-test output and finding rows ($count) as expected"
}
check_page sample 60
check_page empty 0

browse "$out/screenshot.log" --window-size=1400,2600 --screenshot="$out/report.png" "file://$out/sample/report.html" >/dev/null
if grep ':CONSOLE' "$out/screenshot.log" >&2; then fail "console messages while taking the screenshot"; fi
python3 - "$out/report.png" <<'PY' || fail "no screenshot at $out/report.png"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1400, 2600), (w, h)
print(f"  {sys.argv[1]}: {w}x{h}, {len(data)} bytes")
PY
pass "screenshot $out/report.png"
echo "sweep report browser: $passed passed, 0 failed"
