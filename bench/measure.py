#!/usr/bin/env python3
"""keylint benchmark helper (driven by bench/run.sh; not a test, never run by CI).

Runs keylint and its peers on the same input in the same process, interleaved round by round
(keylint, peer1, peer2, ..., keylint, peer1, ...), so that machine noise (other builds on this
2-core box) hits every tool alike. Each run's wall time comes from time.perf_counter around
fork/exec/wait and its peak RSS from os.wait4 (ru_maxrss of the child and its reaped children,
what /usr/bin/time -f %M prints). Reports medians and ratios against keylint.

Tool output (which may contain findings) goes to files in a private temporary directory and is
only parsed for a count; nothing a tool writes is printed, so no secret reaches the terminal.

Subcommands:
  tree       NAME PATH            scan a directory tree
  precommit  PATH                 scan 10 small files (startup-dominated), warm and cold
  history    REPO                 scan a git repository's history
  make-precommit SRC DEST         build the precommit fixture (deterministic)
  make-history   SRC DEST         build the synthetic history repo (deterministic, git fast-import)
  verdict    RESULTS.jsonl        PASS/FAIL lines for the issue's targets
"""

import argparse
import json
import os
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time

PEERS = os.environ.get("KEYLINT_BENCH_PEERS", os.path.expanduser("~/.cache/keylint-bench/peers/bin"))
MIB = 1024 * 1024

# ---------------------------------------------------------------------------------------------
# Tools: argv for a tree / git scan, acceptable exit codes, and how to count findings.
# Validation and update checks are off for every peer (no network here; it would only add time).
# ---------------------------------------------------------------------------------------------


def peer(name):
    return os.path.join(PEERS, name)


def keywords(keylint):
    out = subprocess.run([keylint, "rules", "keywords"], check=True, capture_output=True, text=True).stdout
    return [k for k in out.splitlines() if k]


class Tool:
    def __init__(self, name, tree=None, git=None, ok=(0, 1), count=None, label=None):
        self.name = name
        self.label = label or name
        self.tree = tree  # (target, out) -> argv
        self.git = git  # (repo, out) -> argv
        self.ok = ok
        self.count = count  # (out, stdout_path) -> int | None


def count_keylint(out, _stdout):
    with open(out) as f:
        d = json.load(f)
    return len(d.get("findings", []))


def count_json_list(out, _stdout):
    with open(out) as f:
        d = json.load(f)
    return len(d) if isinstance(d, list) else len(d.get("findings", []))


def count_betterleaks(out, _stdout):
    with open(out) as f:
        d = json.load(f)
    return d.get("scan", {}).get("num_findings", len(d.get("findings", [])))


def count_kingfisher(out, _stdout):
    with open(out) as f:
        d = json.load(f)
    return d.get("metadata", {}).get("summary", {}).get("findings", len(d.get("findings", [])))


def count_rg(_out, stdout):
    # `rg -c` prints one `path:count` line per matching file: report matching files.
    with open(stdout, "rb") as f:
        return sum(1 for _ in f)


def tools(keylint, want):
    kw = keywords(keylint)
    rg_args = ["-i", "-c", "-F", "--hidden", "-g", "!.git"]
    for k in kw:
        rg_args += ["-e", k]
    all_tools = {
        "keylint": Tool(
            "keylint",
            tree=lambda t, o: [keylint, "scan", t, "--format", "json", "-o", o, "-q"],
            git=lambda r, o: [keylint, "scan", r, "--history", "--format", "json", "-o", o, "-q"],
            count=count_keylint,
        ),
        "kingfisher": Tool(
            "kingfisher",
            tree=lambda t, o: [peer("kingfisher"), "scan", t, "--no-update-check", "--no-validate", "--git-history", "none",
                               "-q", "-r", "-f", "json", "-o", o],
            git=lambda r, o: [peer("kingfisher"), "scan", r, "--no-update-check", "--no-validate", "--git-history", "full",
                              "-q", "-r", "-f", "json", "-o", o],
            ok=(0, 200, 205),
            count=count_kingfisher,
        ),
        "betterleaks": Tool(
            "betterleaks",
            tree=lambda t, o: [peer("betterleaks"), "fs", t, "--no-banner", "--redact", "-l", "error", "--exit-code", "0", "-o", o],
            git=lambda r, o: [peer("betterleaks"), "git", r, "--no-banner", "--redact", "-l", "error", "--exit-code", "0", "-o", o],
            count=count_betterleaks,
        ),
        "gitleaks": Tool(
            "gitleaks",
            tree=lambda t, o: [peer("gitleaks"), "dir", t, "--no-banner", "--redact", "-l", "error", "--exit-code", "0",
                               "-f", "json", "-r", o],
            git=lambda r, o: [peer("gitleaks"), "git", r, "--no-banner", "--redact", "-l", "error", "--exit-code", "0",
                              "-f", "json", "-r", o],
            count=count_json_list,
        ),
        "rg": Tool(
            "rg",
            label=f"rg -i -c ({len(kw)} kw)",
            tree=lambda t, o: [peer("rg")] + rg_args + [t],
            count=count_rg,
        ),
        "ripsecrets": Tool("ripsecrets", tree=lambda t, o: [peer("ripsecrets"), t], count=None),
        "detect-secrets": Tool(
            "detect-secrets",
            tree=lambda t, o: [peer("detect-secrets"), "scan", "--all-files", t],
            ok=(0,),
            count=lambda o, s: sum(len(v) for v in json.load(open(s)).get("results", {}).values()),
        ),
    }
    base = os.environ.get("KEYLINT_BENCH_BASELINE")
    if base:
        all_tools["keylint-base"] = Tool(
            "keylint-base",
            label="keylint (baseline)",
            tree=lambda t, o: [base, "scan", t, "--format", "json", "-o", o, "-q"],
            git=lambda r, o: [base, "scan", r, "--history", "--format", "json", "-o", o, "-q"],
            count=count_keylint,
        )
        if "keylint-base" not in want:
            want = want[:1] + ["keylint-base"] + want[1:]
    unknown = [w for w in want if w not in all_tools]
    if unknown:
        sys.exit(f"unknown tool(s): {', '.join(unknown)} (known: {', '.join(all_tools)})")
    return [all_tools[w] for w in want], kw


# ---------------------------------------------------------------------------------------------
# Running and measuring
# ---------------------------------------------------------------------------------------------


TIME = os.environ.get("KEYLINT_BENCH_TIME", "/usr/bin/time")
LAST_CPU = [0.0]  # user+sys seconds of the last run (of the wrapper's child tree when wrapped)


def run_once(argv, workdir, env=None, cwd=None, rss=True):
    """Runs argv once; returns (seconds, peak_rss_bytes, rc, out_path, stdout_path, stderr_path).

    Peak RSS comes from GNU time (`-f %M`): a child forked from this Python process would
    inherit Python's RSS high-water mark across exec (Linux keeps it in signal->maxrss), so
    os.wait4 would over-report small tools. Wall time is perf_counter around the whole run; the
    wrapper adds well under a millisecond. With rss=False the tool is exec'd directly (the
    precommit timings, where milliseconds matter) and RSS is not reported."""
    os.makedirs(workdir, exist_ok=True)
    out = os.path.join(workdir, "report.json")
    stdout = os.path.join(workdir, "stdout")
    stderr = os.path.join(workdir, "stderr")
    rssfile = os.path.join(workdir, "rss")
    for p in (out, rssfile):
        if os.path.exists(p):
            os.unlink(p)
    cmd = argv(out) if callable(argv) else argv
    if rss:
        cmd = [TIME, "-q", "-f", "%M", "-o", rssfile] + cmd
    with open(stdout, "wb") as so, open(stderr, "wb") as se:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=so, stderr=se, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    LAST_CPU[0] = ru.ru_utime + ru.ru_stime
    peak = None
    if rss:
        try:
            with open(rssfile) as f:
                peak = int(f.read().split()[-1]) * 1024
        except (OSError, ValueError, IndexError):
            peak = None
    return dt, peak, rc, out, stdout, stderr


def tail(path, n=5):
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return ""
    # Never echo anything that looks like a finding line; errors are what we want.
    return "\n".join("    " + l[:200] for l in lines[-n:])


class Series:
    def __init__(self, tool):
        self.tool = tool
        self.secs = []
        self.rss = []
        self.cpu = []
        self.findings = None
        self.error = None
        self.note = ""

    @property
    def median(self):
        return statistics.median(self.secs) if self.secs else None

    @property
    def cpu_median(self):
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def peak(self):
        return max(self.rss) if self.rss else None


def measure(tool_list, make_argv, reps, slow_reps, slow_secs, workroot, env_for=None, before_run=None, rss=True, warmup=False,
            rewarm=None):
    """Interleaved rounds; returns {tool name: Series}. A tool slower than `slow_secs` in round one
    gets only `slow_reps` runs (gitleaks takes minutes on the Linux tree)."""
    series = {t.name: Series(t) for t in tool_list}
    for t in tool_list[:] if warmup else []:
        argv = make_argv(t)
        if argv is not None:
            run_once(argv, os.path.join(workroot, t.name, "warmup"), env=env_for(t, -1) if env_for else None, rss=False)
    for rnd in range(reps):
        for t in tool_list:
            s = series[t.name]
            if s.error:
                continue
            if rnd > 0 and s.secs and s.secs[0] > slow_secs and len(s.secs) >= slow_reps:
                continue
            argv = make_argv(t)
            if argv is None:
                continue
            wd = os.path.join(workroot, t.name)
            os.makedirs(wd, exist_ok=True)
            env = env_for(t, rnd) if env_for else None
            if before_run:
                before_run(t, rnd)
            dt, peak, rc, out, so, se = run_once(argv, wd, env=env, rss=rss)
            if dt > 20 and rewarm:
                # After a long run (gitleaks on linux) the next tool was 2.7x slower: the kernel
                # had reclaimed the corpus's page cache during it (this VM runs DAMON-based
                # reclaim). Re-read the corpus, untimed, so every tool starts warm.
                rewarm()
            if rc not in t.ok:
                s.error = f"exit {rc}\n{tail(se)}"
                continue
            s.secs.append(dt)
            s.cpu.append(LAST_CPU[0])
            if peak is not None:
                s.rss.append(peak)
            if s.findings is None and t.count:
                try:
                    s.findings = t.count(out, so)
                except (OSError, ValueError, KeyError, AttributeError):
                    s.findings = None
            print(f"  round {rnd + 1}/{reps} {t.name:<14} {dt:8.3f} s {fmt(peak and peak / MIB, '7.1f')} MiB", file=sys.stderr,
                  flush=True)
    return series


def fmt(v, spec, none="-"):
    return none if v is None else format(v, spec)


def print_table(title, series, size_bytes, extra_cols=None, unit="s"):
    k = series.get("keylint")
    kmed = k.median if k else None
    print()
    print(title)
    head = f"{'tool':<24} {'runs':>4} {'median s':>9} {'min s':>8} {'MB/s':>8} {'peak RSS MiB':>13} {'findings':>9} {'time / keylint':>15}"
    if extra_cols:
        head += "".join(f" {c[0]:>12}" for c in extra_cols)
    print(head)
    print("-" * len(head))
    for name, s in series.items():
        if s.error:
            print(f"{s.tool.label:<24} FAILED: {s.error.splitlines()[0]}")
            rest = "\n".join(s.error.splitlines()[1:])
            if rest:
                print(rest)
            continue
        if not s.secs:
            print(f"{s.tool.label:<24} skipped{(': ' + s.note) if s.note else ''}")
            continue
        med = s.median
        mbps = size_bytes / 1e6 / med if med else None
        ratio = (med / kmed) if (kmed and med) else None
        line = (f"{s.tool.label:<24} {len(s.secs):>4} {med:>9.3f} {min(s.secs):>8.3f} {fmt(mbps, '8.0f'):>8} "
                f"{fmt(s.peak and s.peak / MIB, '13.1f'):>13} {fmt(s.findings, 'd'):>9} {(fmt(ratio, '.2f') + 'x') if ratio else '-':>15}")
        if extra_cols:
            line += "".join(f" {c[1](s):>12}" for c in extra_cols)
        print(line)


def dump(results_path, section, name, series, **meta):
    if not results_path:
        return
    rec = {"section": section, "name": name, **meta, "tools": {}}
    for n, s in series.items():
        rec["tools"][n] = {"median_s": s.median, "runs": s.secs, "cpu_s": s.cpu_median, "peak_rss": s.peak,
                           "findings": s.findings,
                           "error": s.error, "note": s.note}
    with open(results_path, "a") as f:
        f.write(json.dumps(rec) + "\n")


def tree_size(path):
    files = size = 0
    for root, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if d != ".git"]
        for n in names:
            p = os.path.join(root, n)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            if os.path.isfile(p) and not os.path.islink(p):
                files += 1
                size += st.st_size
    return files, size


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


def cmd_tree(a):
    tool_list, kw = tools(a.keylint, a.tools.split(","))
    files, size = tree_size(a.path)
    print(f"\n== tree: {a.name} ({a.path}): {files:,} files, {size / 1e9:.3f} GB; {a.n} interleaved rounds"
          f" (tools slower than {a.slow_secs:.0f} s: {a.slow_n} runs); MB/s = corpus bytes / median wall", flush=True)
    with tempfile.TemporaryDirectory(prefix="keylint-bench-") as wd:
        # A pass of the cheapest reader so round 1 does not pay the cold page cache alone.
        def warm():
            subprocess.run([peer("rg"), "-c", "-F", "--hidden", "-e", "keylint-warmup", a.path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        warm()
        series = measure(tool_list, lambda t: t.tree and (lambda o, t=t: t.tree(a.path, o)), a.n, a.slow_n, a.slow_secs, wd,
                         rewarm=warm)
        k = series.get("keylint")
        ks = None
        if k and not k.error:
            # keylint's own view of what it scanned (skips binaries and files over 10 MiB).
            _, _, _, out, _, _ = run_once(lambda o: tool_list[0].tree(a.path, o), os.path.join(wd, "keylint"))
            try:
                ks = json.load(open(out)).get("summary", {})
            except (OSError, ValueError):
                ks = None
    print_table(f"tree {a.name}: {files:,} files, {size / 1e6:,.0f} MB", series, size)
    if "rg" in series:
        print("rg's findings column counts files holding a keyword (rg -c), not secrets.")
    if ks:
        print(f"keylint summary: files_scanned={ks.get('files_scanned')} bytes_scanned={ks.get('bytes_scanned')}"
              f" skipped={ks.get('skipped')}")
    dump(a.results, "tree", a.name, series, files=files, bytes=size, keywords=len(kw))


def pick_env(kind, base):
    """Environment for one run. 'cold': empty HOME and XDG cache so no tool finds a compiled-rule
    cache (Kingfisher's Vectorscan database, the wazero cache of betterleaks' RE2)."""
    env = dict(os.environ)
    if kind == "cold":
        home = tempfile.mkdtemp(prefix="home-", dir=base)
        env.update(HOME=home, XDG_CACHE_HOME=os.path.join(home, ".cache"), KF_RULE_CACHE_DIR=os.path.join(home, "kf"))
    return env


def drop_caches():
    try:
        subprocess.run(["sync"], check=False)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def cmd_precommit(a):
    tool_list, _ = tools(a.keylint, a.tools.split(","))
    files, size = tree_size(a.path)
    print(f"\n== precommit: {files} small files, {size / 1e3:.1f} KB ({a.path}); wall ms, medians", flush=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="keylint-bench-") as wd:
        # warm: page cache and each tool's own caches warm (one untimed run first, which also
        # gives the peak RSS; timed runs exec the tool directly, without the RSS wrapper).
        peaks = {}
        for t in tool_list:
            peaks[t.name] = run_once(lambda o, t=t: t.tree(a.path, o), os.path.join(wd, "warmup"))[1]
        print(f"-- warm: {a.n} interleaved rounds", file=sys.stderr)
        results["warm"] = measure(tool_list, lambda t: (lambda o, t=t: t.tree(a.path, o)), a.n, a.n, 1e9,
                                  os.path.join(wd, "warm"), rss=False)
        for t in tool_list:
            if peaks[t.name] is not None:
                results["warm"][t.name].rss.append(peaks[t.name])
        # fresh: no tool cache (empty HOME / XDG_CACHE_HOME per run), page cache warm.
        print(f"-- fresh (no tool caches): {max(a.n, a.cold_n)} rounds ({a.cold_n} for tools slower than 0.25 s)",
              file=sys.stderr)
        # Tools that start in under 0.25 s get as many fresh rounds as warm ones; the rest cold_n.
        results["fresh"] = measure(tool_list, lambda t: (lambda o, t=t: t.tree(a.path, o)), max(a.n, a.cold_n), a.cold_n, 0.25,
                                   os.path.join(wd, "fresh"), env_for=lambda t, r: pick_env("cold", wd), rss=False)
        # cold: no tool cache and the kernel page cache dropped before every run (binary, libs,
        # files all come from disk): the closest this machine gets to a freshly booted one.
        can_drop = a.drop_caches and drop_caches()
        if can_drop:
            print(f"-- cold (page cache dropped before each run): {a.cold_n} rounds", file=sys.stderr)
            results["cold"] = measure(tool_list, lambda t: (lambda o, t=t: t.tree(a.path, o)), a.cold_n, a.cold_n, 1e9,
                                      os.path.join(wd, "cold"), env_for=lambda t, r: pick_env("cold", wd),
                                      before_run=lambda t, r: drop_caches(), rss=False)
    k = {m: results[m].get("keylint") for m in results}
    print()
    print(f"precommit: {files} files, {size / 1e3:.1f} KB. warm = tool caches and page cache warm; fresh = no tool"
          f" caches (empty HOME/XDG_CACHE_HOME: Kingfisher recompiles its rules, betterleaks its wazero RE2);"
          f" cold = fresh + kernel page cache dropped before each run. CPU = user+sys of the warm runs.")
    head = (f"{'tool':<24} {'warm ms':>9} {'CPU ms':>8} {'fresh ms':>9} {'cold ms':>9} {'peak RSS MiB':>13} {'findings':>9}"
            f" {'warm / keylint':>15} {'fresh / keylint':>16}")
    print(head)
    print("-" * len(head))
    for t in tool_list:
        cells = []
        for mode in ("warm", "fresh", "cold"):
            s = results.get(mode, {}).get(t.name)
            cells.append("-" if s is None or not s.secs else f"{s.median * 1000:.1f}")
        w = results["warm"][t.name]
        f = results["fresh"][t.name]
        if w.error or f.error:
            print(f"{t.label:<24} FAILED: {(w.error or f.error).splitlines()[0]}")
            continue
        rw = w.median / k["warm"].median if k["warm"] and k["warm"].median else None
        rf = f.median / k["fresh"].median if k["fresh"] and k["fresh"].median else None
        print(f"{t.label:<24} {cells[0]:>9} {fmt(w.cpu_median and w.cpu_median * 1000, '.1f'):>8} {cells[1]:>9}"
              f" {cells[2]:>9} {fmt(w.peak and w.peak / MIB, '13.1f'):>13} {fmt(w.findings, 'd'):>9}"
              f" {(fmt(rw, '.1f') + 'x') if rw else '-':>15} {(fmt(rf, '.1f') + 'x') if rf else '-':>16}")
    # The harness's own floor: Python's fork/exec/wait of a program that does nothing.
    floor = []
    with tempfile.TemporaryDirectory(prefix="keylint-bench-") as wd:
        for _ in range(max(a.n, 10)):
            dt = run_once(["true"], wd, rss=False)[0]
            floor.append((dt, LAST_CPU[0]))
    print(f"spawn floor (`true` through the same harness): {statistics.median(f[0] for f in floor) * 1000:.1f} ms wall,"
          f" {statistics.median(f[1] for f in floor) * 1000:.1f} ms CPU; included in every number above")
    if "cold" not in results:
        print("cold: not measured (" + ("--no-drop-caches" if not a.drop_caches else
                                        "cannot write /proc/sys/vm/drop_caches in this container") + ")")
    for mode, series in results.items():
        dump(a.results, "precommit", mode, series, files=files, bytes=size)


def git(*args, cwd=None, **kw):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, **kw).stdout


def history_stats(repo):
    commits = int(git("rev-list", "--count", "HEAD", cwd=repo).strip())
    sizes = git("cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectsize)", cwd=repo)
    blob_bytes = sum(int(l.split()[1]) for l in sizes.splitlines() if l.startswith("blob "))
    blobs = sum(1 for l in sizes.splitlines() if l.startswith("blob "))
    return commits, blobs, blob_bytes


def keylint_has_history(keylint, repo):
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run([keylint, "scan", repo, "--history", "--format", "json", "-o", os.path.join(d, "o.json"), "-q"],
                           capture_output=True, text=True, timeout=600)
    if p.returncode in (0, 1):
        return True, ""
    msg = (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1]
    return False, msg[:160]


def cmd_history(a):
    tool_list, _ = tools(a.keylint, a.tools.split(","))
    tool_list = [t for t in tool_list if t.git]
    commits, blobs, blob_bytes = history_stats(a.repo)
    print(f"\n== history: {a.repo}: {commits:,} commits, {blobs:,} unique blobs, {blob_bytes / 1e6:.1f} MB of blobs;"
          f" {a.n} interleaved rounds; MB/s = unique blob bytes / median wall", flush=True)
    note = ""
    if any(t.name == "keylint" for t in tool_list):
        ok, msg = keylint_has_history(a.keylint, a.repo)
        if not ok:
            note = f"keylint skipped: `scan --history` is not available in this build ({msg})"
            tool_list = [t for t in tool_list if t.name != "keylint"]
    base = os.environ.get("KEYLINT_BENCH_BASELINE")
    if base and any(t.name == "keylint-base" for t in tool_list) and not keylint_has_history(base, a.repo)[0]:
        tool_list = [t for t in tool_list if t.name != "keylint-base"]
    with tempfile.TemporaryDirectory(prefix="keylint-bench-") as wd:
        # One untimed round first: the repo's pack and the tools' binaries in the page cache
        # (the precommit section may just have dropped it).
        series = measure(tool_list, lambda t: (lambda o, t=t: t.git(a.repo, o)), a.n, a.slow_n, a.slow_secs, wd,
                         warmup=True)
    if note:
        s = Series(Tool("keylint"))
        s.note = "no --history in this build (see below)"
        series = {"keylint": s, **series}
    print_table(f"history: {commits:,} commits, {blob_bytes / 1e6:.1f} MB unique blobs", series, blob_bytes,
                extra_cols=[("commits/s", lambda s: f"{commits / s.median:,.0f}"),
                            ("CPU s", lambda s: fmt(s.cpu_median, ".2f"))])
    if note:
        print(note)
    dump(a.results, "history", os.path.basename(a.repo), series, commits=commits, bytes=blob_bytes, note=note)


# ---------------------------------------------------------------------------------------------
# Fixtures (deterministic)
# ---------------------------------------------------------------------------------------------


def fake_key(rng, n=64):
    """A synthetic, never-issued key: random alphanumerics from a seeded generator."""
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def planted_config(rng):
    # The shape freqtrade users commit: config.json with the exchange block filled in.
    return json.dumps({
        "max_open_trades": 3,
        "stake_currency": "USDT",
        "dry_run": False,
        "exchange": {"name": "binance", "key": fake_key(rng), "secret": fake_key(rng),
                     "ccxt_config": {}, "pair_whitelist": ["BTC/USDT", "ETH/USDT"]},
    }, indent=4) + "\n"


def source_files(src, exts=(".py", ".json", ".md", ".yml", ".yaml", ".toml", ".cfg", ".txt", ".sh", ".ini")):
    out = []
    for root, dirs, names in os.walk(src):
        dirs.sort()
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        for n in sorted(names):
            p = os.path.join(root, n)
            if n.endswith(exts) and os.path.isfile(p):
                out.append(p)
    return out


def cmd_make_precommit(a):
    """10 files of pre-commit size: 9 small freqtrade sources and 1 config with planted fake keys."""
    if os.path.isdir(a.dest) and len(os.listdir(a.dest)) == 10:
        print(a.dest)
        return
    shutil.rmtree(a.dest, ignore_errors=True)
    os.makedirs(a.dest)
    small = [p for p in source_files(a.src) if 1000 <= os.path.getsize(p) <= 8000 and p.endswith((".py", ".json", ".md"))]
    step = max(1, len(small) // 9)
    picked = small[::step][:9]
    for p in picked:
        name = os.path.relpath(p, a.src).replace(os.sep, "__")
        shutil.copyfile(p, os.path.join(a.dest, name))
    with open(os.path.join(a.dest, "user_data__config.json"), "w") as f:
        f.write(planted_config(random.Random(20261122)))
    print(a.dest)


def cmd_make_history(a):
    """A few thousand commits replaying the freqtrade sources: every file is added in its own
    commit (sorted path order), then the tree is edited in rounds (one file per commit: a line
    appended or a line changed), and fake exchange keys are committed and later removed in a few
    places, like real leaks. Built with git fast-import and fixed dates: the same repo every time."""
    if os.path.isdir(os.path.join(a.dest, ".git")):
        try:
            if int(git("rev-list", "--count", "HEAD", cwd=a.dest).strip()) == a.commits:
                print(a.dest)
                return
        except subprocess.CalledProcessError:
            pass
    shutil.rmtree(a.dest, ignore_errors=True)
    os.makedirs(a.dest)
    git("init", "-q", "-b", "main", cwd=a.dest)
    rng = random.Random(7)
    keyrng = random.Random(20261122)
    files = source_files(a.src)
    contents = {os.path.relpath(p, a.src): open(p, "rb").read() for p in files}
    paths = sorted(contents)
    plant_at = {int(a.commits * f) for f in (0.2, 0.45, 0.7, 0.9)}
    remove_after = 25
    planted = {}  # commit index -> path to remove later
    t0 = 1_600_000_000
    stream = []

    def commit(i, path, data, msg):
        stream.append(b"commit refs/heads/main\n")
        stream.append(b"mark :%d\n" % (i + 1))
        stamp = b"%d +0000" % (t0 + i * 3600)
        stream.append(b"author Bench Bot <bench@example.invalid> " + stamp + b"\n")
        stream.append(b"committer Bench Bot <bench@example.invalid> " + stamp + b"\n")
        m = msg.encode()
        stream.append(b"data %d\n%s\n" % (len(m), m))
        if i > 0:
            stream.append(b"from :%d\n" % i)
        if data is None:
            stream.append(b"D %s\n" % path.encode())
        else:
            stream.append(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
            stream.append(data)
            stream.append(b"\n")

    i = 0
    for p in paths:
        if i >= a.commits:
            break
        commit(i, p, contents[p], f"add {p}")
        i += 1
    edit_targets = [p for p in paths if p.endswith((".py", ".md", ".json", ".yml", ".toml", ".cfg"))]
    while i < a.commits:
        if i in plant_at:
            p = f"user_data/config_{i}.json"
            commit(i, p, planted_config(keyrng).encode(), f"add bot config {i}")
            planted[i + remove_after] = p
        elif i in planted:
            commit(i, planted.pop(i), None, "remove config with keys")
        else:
            p = rng.choice(edit_targets)
            lines = contents[p].split(b"\n")
            k = rng.randrange(len(lines))
            if p.endswith(".json") or rng.random() < 0.5:
                lines.insert(k, b"")  # a blank line: valid in every format
            else:
                lines.insert(k, b"# edit %d" % i if p.endswith((".py", ".toml", ".cfg", ".yml")) else b"edit %d" % i)
            contents[p] = b"\n".join(lines)
            commit(i, p, contents[p], f"edit {p}")
        i += 1
    subprocess.run(["git", "fast-import", "--quiet"], input=b"".join(stream), cwd=a.dest, check=True)
    git("reset", "-q", "--hard", "main", cwd=a.dest)
    git("gc", "-q", "--aggressive", cwd=a.dest)
    print(a.dest)


# ---------------------------------------------------------------------------------------------
# Verdict
# ---------------------------------------------------------------------------------------------


def cmd_verdict(a):
    recs = [json.loads(l) for l in open(a.results)]
    print("\n== targets (issue): measured here, same run, medians")
    out = []

    def line(ok, text):
        out.append(f"{'PASS' if ok else 'FAIL'}  {text}")

    tree = {r["name"]: r for r in recs if r["section"] == "tree"}
    linux = tree.get("linux")
    if linux:
        t = linux["tools"]
        k = t.get("keylint", {})
        km = k.get("median_s")
        peers = {n: v["median_s"] for n, v in t.items() if n not in ("keylint", "keylint-base", "rg") and v.get("median_s")}
        if km and peers:
            fastest = min(peers, key=peers.get)
            line(km * 3 <= peers[fastest],
                 f"linux: keylint {km:.2f} s is {peers[fastest] / km:.2f}x faster than the fastest peer "
                 f"({fastest} {peers[fastest]:.2f} s); target >= 3x")
        else:
            out.append("n/a   linux: >= 3x faster than the fastest peer (keylint or peers not measured)")
        rg = t.get("rg", {}).get("median_s")
        if km and rg:
            line(km <= 1.5 * rg, f"linux: keylint {km:.2f} s is {km / rg:.2f}x rg's {rg:.2f} s with keylint's keywords; target <= 1.5x")
        else:
            out.append("n/a   linux: within 1.5x of rg (not measured)")
        if k.get("peak_rss"):
            line(k["peak_rss"] <= 64 * MIB, f"linux: keylint peak RSS {k['peak_rss'] / MIB:.1f} MiB (max over runs); target <= 64 MiB")
        if km:
            out.append(f"info  linux: keylint {km:.2f} s = {linux['bytes'] / 1e6 / km:.0f} MB/s (issue's absolute bar: about 2.2 s)")
    else:
        out.append("n/a   linux tree targets (linux corpus not measured)")
    for r in recs:
        if r["section"] != "history" or not r["name"].startswith(("large-", "small-")):
            continue
        t = r["tools"]
        k = t.get("keylint", {})
        km = k.get("median_s")
        peers = {n: v["median_s"] for n, v in t.items() if n not in ("keylint", "keylint-base") and v.get("median_s")}
        if km and peers:
            fastest = min(peers, key=peers.get)
            line(km * 2 <= peers[fastest],
                 f"history {r['name']}: keylint {km:.2f} s is {peers[fastest] / km:.2f}x faster than the fastest peer "
                 f"({fastest} {peers[fastest]:.2f} s); target >= 2x")
        if k.get("peak_rss"):
            line(k["peak_rss"] <= 256 * MIB,
                 f"history {r['name']}: keylint peak RSS {k['peak_rss'] / MIB:.1f} MiB (max over runs); target <= 256 MiB")
        if k.get("cpu_s") and km:
            out.append(f"info  history {r['name']}: keylint {k['cpu_s']:.2f} s CPU (user+sys, median) = {k['cpu_s'] / km:.2f} cores")
    pre = {r["name"]: r for r in recs if r["section"] == "precommit"}
    if "fresh" in pre:
        k = pre["fresh"]["tools"].get("keylint", {})
        km = k.get("median_s")
        if km is not None:
            line(km <= 0.020, f"precommit: keylint {km * 1000:.1f} ms wall for 10 small files, no tool caches"
                              f" (keylint keeps none); target <= 20 ms")
        for mode in ("warm", "cold"):
            r = pre.get(mode, {}).get("tools", {}).get("keylint", {})
            if r.get("median_s") is not None:
                extra = ""
                if mode == "warm" and r.get("cpu_s") is not None:
                    extra = f", {r['cpu_s'] * 1000:.1f} ms CPU (user+sys)"
                if mode == "cold":
                    extra = " (page cache dropped: binary and files read from disk)"
                out.append(f"info  precommit: keylint {mode} {r['median_s'] * 1000:.1f} ms wall{extra}")
    else:
        out.append("n/a   precommit target (not measured)")
    for l in out:
        print(l)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p, n=5):
        p.add_argument("--keylint", required=True)
        p.add_argument("--tools", default="keylint,kingfisher,betterleaks,gitleaks,rg")
        p.add_argument("-n", type=int, default=n)
        p.add_argument("--slow-n", type=int, default=3)
        p.add_argument("--slow-secs", type=float, default=30.0)
        p.add_argument("--results")

    p = sub.add_parser("tree"); common(p); p.add_argument("name"); p.add_argument("path"); p.set_defaults(f=cmd_tree)
    p = sub.add_parser("precommit"); common(p, 30); p.add_argument("path")
    p.add_argument("--cold-n", type=int, default=5)
    p.add_argument("--no-drop-caches", dest="drop_caches", action="store_false")
    p.set_defaults(f=cmd_precommit)
    p = sub.add_parser("history"); common(p, 3); p.add_argument("repo"); p.set_defaults(f=cmd_history)
    p = sub.add_parser("make-precommit"); p.add_argument("src"); p.add_argument("dest"); p.set_defaults(f=cmd_make_precommit)
    p = sub.add_parser("make-history"); p.add_argument("src"); p.add_argument("dest")
    p.add_argument("--commits", type=int, default=3000); p.set_defaults(f=cmd_make_history)
    p = sub.add_parser("verdict"); p.add_argument("results"); p.set_defaults(f=cmd_verdict)
    a = ap.parse_args()
    a.f(a)


if __name__ == "__main__":
    main()
