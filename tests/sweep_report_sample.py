#!/usr/bin/env python3
"""Writes a synthetic sweep output (summary.json, findings.jsonl in the shape of docs/sweeps.md)
and expected-selftest.txt: what the report page's `#selftest` must print for it, computed here
independently of the Rust renderer. Values are random but seeded (same bytes every run);
snippets are already-redacted forms (`NAME=abcd…wxyz`), as a sweep writes them.
Hostile strings (markup in a repository name and a snippet, terminal escapes in a path) check
that the page escapes them: if it did not, an <img> would load or a handler would run, and the
browser would log it (the test fails on any console message).
Usage: sweep_report_sample.py OUT_DIR [FINDINGS]"""
import json
import os
import random
import sys

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
rng = random.Random(20261201)
HOSTILE = "org/</script><img src=x onerror=alert(1)>"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
RULES = {
    "okx": ("okx-secret-key", "OKX_SECRET_KEY"),
    "binance": ("binance-api-secret", "BINANCE_API_SECRET"),
    "bybit": ("bybit-api-secret", "BYBIT_API_SECRET"),
    "kraken": ("kraken-private-key", "KRAKEN_PRIVATE_KEY"),
    None: ("generic-exchange-secret", "EXCHANGE_SECRET"),
}
repos = sorted([f"org/repo-{i:02d}" for i in range(10)] + [HOSTILE, "team/ünïcode"])
UNREADABLE = "org/unreadable"  # an error entry of the summary, no findings


def rand(n, alphabet=ALNUM):
    return "".join(rng.choice(alphabet) for _ in range(n))


findings = []
for _ in range(count):
    exchange = rng.choice(["okx", "okx", "binance", "bybit", "kraken", None])
    rule, name = RULES[exchange]
    repo = rng.choice(repos)
    path = rng.choice(["deploy/.env", "config/settings.py", "src/bot/keys.json", "gh-pages/app.js",
                       "dir with space/a#b.env", "logs/\x1b[31mred\x1b[0m.txt"])
    line = rng.randint(1, 900)
    commit = rng.choice([None, rand(40, "0123456789abcdef")])
    snippet = f"{name}={rand(4)}…{rand(4)}"
    if rng.random() < 0.05:
        snippet = f'{name}="</script><img src=y onerror=alert(2)>"'
    f = {
        "rule": rule, "category": "secret", "severity": rng.choice(["error", "error", "warning", "note"]),
        "exchange": exchange, "path": path,
        "start": {"line": line, "column": 5, "offset": line * 40},
        "end": {"line": line, "column": 37, "offset": line * 40 + 32},
        "message": f"secret in plain text, in commit {commit[:7]}" if commit else "secret in plain text, in the working tree",
        "help": "move it to your secret manager", "fingerprint": rand(16, "0123456789abcdef"),
        "snippet": snippet, "commit": {"id": commit} if commit else None, "part": "secret",
        "credential": rand(16, "0123456789abcdef"),
        "repository": repo, "present_at_head": rng.random() < 0.6,
        "other_locations": [
            {"path": "vendor/copy.env", "start": {"line": rng.randint(1, 50), "column": 1, "offset": 0}, "commit": None}
            for _ in range(rng.choice([0, 0, 1, 2]))
        ],
    }
    if exchange is None:
        del f["exchange"]  # findings missing optional fields render too
    findings.append(f)
findings.sort(key=lambda f: (f["repository"], f["path"], f["start"]["offset"], f["rule"]))


def by_severity(fs):
    return {s: sum(f["severity"] == s for f in fs) for s in ("error", "warning", "note")}


def desc(pairs):
    return sorted(pairs, key=lambda p: (-p[1], p[0]))


rows = []
for r in sorted(repos + [UNREADABLE]):
    fs = [f for f in findings if f["repository"] == r]
    broken = r == UNREADABLE
    rows.append({"repository": r, "files": 0 if broken else rng.randint(5, 4000),
                 "bytes": 0 if broken else rng.randint(1000, 10**8), "commits": 0, "findings": len(fs),
                 "by_severity": by_severity(fs), "at_head": sum(f["present_at_head"] for f in fs),
                 "history_only": sum(not f["present_at_head"] for f in fs), "elapsed_ms": rng.randint(3, 900),
                 "error": "could not read: not a git repository" if broken else None})
exchanges = {}
for f in findings:
    e = exchanges.setdefault(f.get("exchange") or "none", [0, set()])
    e[0] += 1
    e[1].add(f["repository"])
rules = {}
for f in findings:
    rules[f["rule"]] = rules.get(f["rule"], 0) + 1
summary = {
    "tool": {"name": "keylint", "version": "0.1.0"}, "mode": "history",
    "totals": {"repositories": len(rows), "errors": 1, "files": sum(r["files"] for r in rows),
               "bytes": sum(r["bytes"] for r in rows), "commits": 0, "findings": len(findings),
               "by_severity": by_severity(findings),
               "credentials_at_head": sum(f["present_at_head"] for f in findings),
               "credentials_history_only": sum(not f["present_at_head"] for f in findings)},
    "repositories": rows,
    "exchanges": [{"exchange": e, "findings": n, "repositories": len(exchanges[e][1])}
                  for e, n in desc([(e, v[0]) for e, v in exchanges.items()])],
    "rules": [{"rule": r, "findings": n} for r, n in desc(rules.items())],
    "top_repositories": [{"repository": r["repository"], "findings": r["findings"]}
                         for r in sorted(rows, key=lambda r: (-r["findings"], r["repository"]))[:10]
                         if r["findings"]],
}

os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "summary.json"), "w", encoding="utf-8") as fh:
    json.dump(summary, fh, ensure_ascii=False)
    fh.write("\n")
with open(os.path.join(out, "findings.jsonl"), "w", encoding="utf-8") as fh:
    for f in findings:
        fh.write(json.dumps(f, ensure_ascii=False) + "\n")

# What `report.html#selftest&q=kraken-private-key` prints (src/report/sweep_html/app.js): the
# query matches the rule column only (snippets spell the name with `_`).
n = len(findings)
lines = [f"rows={n}", f"expected_rows={n}", f"shown_initially={n}"]
lines += [f"severity:{s}={c}" for s, c in by_severity(findings).items() if c]
if any("exchange" not in f for f in findings):
    lines.append(f"exchange:(none)={sum('exchange' not in f for f in findings)}")
for e in sorted({f["exchange"] for f in findings if "exchange" in f}):
    lines.append(f"exchange:{e}={sum(f.get('exchange') == e for f in findings)}")
for r in sorted({f["repository"] for f in findings}):
    lines.append(f"repository:{r}={sum(f['repository'] == r for f in findings)}")
kraken = sum(f["rule"] == "kraken-private-key" for f in findings)
lines.append(f"text={kraken}")
lines.append(f"counter={kraken} of {n} findings shown")
lines.append(f"shown_after_reset={n}")
if n:
    lines.append(f"line_asc_first={min(f['start']['line'] for f in findings)}")
    lines.append(f"line_desc_first={max(f['start']['line'] for f in findings)}")
    lines.append("sort=ok")
lines.append("errors=0")
with open(os.path.join(out, "expected-selftest.txt"), "w", encoding="utf-8") as fh:
    fh.write("\n".join(lines) + "\n")
print(n)
