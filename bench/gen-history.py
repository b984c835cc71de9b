#!/usr/bin/env python3
"""Generates a synthetic git history of one of two shapes, deterministically (same --seed and
size: the same commits, blobs and ids), with `git fast-import`. For bench/run.sh's `history`
section; not a test, never run by CI.

Shapes (the two real repositories of issue 9, at --scale 1):

  large  ~11,000 commits; most of them rewrite one or more of four large files (a 1 MB and a
         300 KB JSON, a 200 KB and a 120 KB Python module; a few percent of their lines change
         each time), the rest touch small files. About 2.4 GB of unique blob bytes
         (extrapolated from --scale 0.25; the issue's repository: 2.0 GB), a small pack.
  small  ~26,000 commits over a Python project of ~2,500 small files (2-30 KB) in ~120
         directories; each commit edits a handful of files (about 6 on average) near each
         other. About 1.5 GB of unique blob bytes (extrapolated; the issue's: 1.3 GB).

--scale S multiplies the number of commits (and so the unique bytes), not the file sizes, so a
smaller run keeps the shape. --commits N sets the commit count directly.

Synthetic exchange keys (random values of the right formats from the seeded generator; never
issued) are committed and removed later, at fixed fractions of the history:
  * an OKX key in `.env` (OKX_API_KEY uuid, OKX_SECRET_KEY 32 upper-case hex, OKX_PASSPHRASE),
  * a freqtrade-style `user_data/config.json` with a Binance key and secret (64 alphanumerics),
  * a Binance key pair as module constants inside a large Python file (shape large) or a small
    one (shape small), kept for 30 commits (so in 30 versions of that file),
  * a Kraken key (56 alphanumerics) and private key (88 base64) in `deploy/kraken.yml`.
The scanners should find each of them once (at the commit that introduced it).

    bench/gen-history.py --shape large --scale 0.25 --seed 1 OUT_DIR
    bench/gen-history.py --shape small --commits 5000 OUT_DIR

Prints one summary line (commits, blobs, unique blob bytes, pack size) on stderr.
"""

import argparse
import base64
import os
import random
import shutil
import string
import subprocess
import sys
import uuid

ALNUM = string.ascii_letters + string.digits
WORDS = (
    "order book trade ticker market price amount fee balance position margin leverage funding rate candle "
    "interval symbol pair base quote spread depth bid ask volume history status account wallet deposit "
    "withdraw transfer limit stop loss profit strategy signal indicator backtest config cache retry timeout "
    "request response session client server stream socket event queue worker job result error value index "
    "total average window period chart report export import parse build load save fetch update cancel create"
).split()
EXCHANGES = ["binance", "kraken", "okx", "bybit", "kucoin", "gateio", "bitget", "mexc", "coinbase", "htx"]
QUOTES = ["USDT", "USDC", "BTC", "ETH", "EUR", "USD"]
BASES = ["BTC", "ETH", "SOL", "XRP", "ADA", "DOGE", "DOT", "LTC", "LINK", "AVAX", "ATOM", "UNI", "TRX", "BNB",
         "NEAR", "APT", "ARB", "OP", "FIL", "ETC", "XLM", "HBAR", "ICP", "VET", "ALGO", "SAND", "MANA", "AAVE"]


# --------------------------------------------------------------------------------------------
# File contents: lists of lines (bytes), edited in place, joined when committed.
# --------------------------------------------------------------------------------------------


class Text:
    def __init__(self, rng):
        self.rng = rng

    def ident(self, n=2):
        return "_".join(self.rng.choice(WORDS) for _ in range(n))

    def py_function(self, exchange_p):
        """A few lines of plausible Python; with probability exchange_p it names an exchange
        (a prefilter keyword, as exchange code does)."""
        r = self.rng
        name = self.ident(r.randint(2, 3))
        arg = r.choice(WORDS)
        lines = [
            f"    def {name}(self, {arg}, params=None):",
            f'        """{r.choice(WORDS).capitalize()} the {r.choice(WORDS)} {r.choice(WORDS)} of a {arg}."""',
            f"        request = {{'{r.choice(WORDS)}': self.{self.ident()}({arg}), 'limit': {r.randint(1, 1000)}}}",
        ]
        if r.random() < exchange_p:
            lines.append(f"        # {r.choice(EXCHANGES)} returns {r.choice(WORDS)} in {r.choice(WORDS)}")
        for _ in range(r.randint(0, 4)):
            lines.append(f"        {r.choice(WORDS)} = self.safe_{r.choice(['string', 'number', 'integer'])}"
                         f"(response, '{self.ident()}', {r.randint(0, 99)})")
        lines.append(f"        return self.{self.ident()}(request, params)")
        lines.append("")
        return [l.encode() for l in lines]

    def py_module(self, size, exchange_p):
        r = self.rng
        lines = [b"# generated client module", b"import math", b"import time", b"",
                 f"class {self.ident().title().replace('_', '')}:".encode()]
        n = sum(len(l) + 1 for l in lines)
        while n < size:
            fn = self.py_function(exchange_p)
            lines += fn
            n += sum(len(l) + 1 for l in fn)
        return lines

    def market_line(self, with_exchange):
        r = self.rng
        b, q = r.choice(BASES), r.choice(QUOTES)
        ex = f', "exchange": "{r.choice(EXCHANGES)}"' if with_exchange else ""
        return (f'  {{"id": "{b}{q}{r.randint(0, 999)}", "symbol": "{b}/{q}", "active": {str(r.random() < 0.9).lower()},'
                f' "precision": {{"price": {r.randint(1, 8)}, "amount": {r.randint(0, 6)}}},'
                f' "limits": {{"min": {r.random():.6f}, "max": {r.randint(1000, 10 ** 7)}}},'
                f' "bid": {r.uniform(0.0001, 70000):.6f}, "ask": {r.uniform(0.0001, 70000):.6f},'
                f' "volume": {r.uniform(0, 10 ** 7):.2f}{ex}}},').encode()

    def json_file(self, size, exchange_p):
        lines = [b"["]
        n = 2
        while n < size:
            l = self.market_line(self.rng.random() < exchange_p)
            lines.append(l)
            n += len(l) + 1
        lines.append(b'  {"end": true}')
        lines.append(b"]")
        return lines

    def doc(self, size):
        r = self.rng
        lines = [f"# {self.ident(3).replace('_', ' ').title()}".encode(), b""]
        n = 0
        while n < size:
            l = " ".join(r.choice(WORDS) for _ in range(r.randint(6, 16))).capitalize() + "."
            lines.append(l.encode())
            n += len(l) + 1
        return lines

    def yaml(self, size):
        r = self.rng
        lines = []
        n = 0
        while n < size:
            l = f"{self.ident()}: {r.choice([str(r.randint(0, 500)), r.choice(WORDS), 'true', 'false'])}"
            lines.append(l.encode())
            n += len(l) + 1
        return lines


def edit_py(t, lines, n_edits, exchange_p):
    """Changes a number here, inserts or drops a function there (a typical diff)."""
    r = t.rng
    for _ in range(n_edits):
        k = r.randrange(5, max(6, len(lines)))
        op = r.random()
        if op < 0.6:
            lines[k:k + 1] = [f"        {r.choice(WORDS)} = {r.randint(0, 10 ** 6)}  # {t.ident()}".encode()]
        elif op < 0.85:
            lines[k:k] = t.py_function(exchange_p)
        elif len(lines) > 50:
            del lines[k:k + r.randint(1, 6)]


def edit_json(t, lines, n_edits, exchange_p):
    """New prices in some records (a data refresh), a market listed or delisted now and then."""
    r = t.rng
    for _ in range(n_edits):
        k = r.randrange(1, max(2, len(lines) - 2))
        op = r.random()
        if op < 0.9:
            lines[k] = t.market_line(r.random() < exchange_p)
        elif op < 0.95:
            lines.insert(k, t.market_line(r.random() < exchange_p))
        elif len(lines) > 10:
            del lines[k]


def edit_text(t, lines, n_edits):
    r = t.rng
    for _ in range(n_edits):
        k = r.randrange(0, max(1, len(lines)))
        lines.insert(k, (" ".join(r.choice(WORDS) for _ in range(r.randint(3, 12)))).encode())


def size_of(lines):
    return sum(len(l) + 1 for l in lines)


# --------------------------------------------------------------------------------------------
# Planted keys
# --------------------------------------------------------------------------------------------


def rand(r, chars, n):
    return "".join(r.choice(chars) for _ in range(n))


def okx_env(r):
    return (f"# local settings\nLOG_LEVEL=info\nOKX_API_KEY={uuid.UUID(int=r.getrandbits(128), version=4)}\n"
            f"OKX_SECRET_KEY={rand(r, '0123456789ABCDEF', 32)}\nOKX_PASSPHRASE={rand(r, ALNUM, 14)}\n").encode()


def binance_config(r):
    return ('{\n    "max_open_trades": 3,\n    "stake_currency": "USDT",\n    "dry_run": false,\n'
            '    "exchange": {\n        "name": "binance",\n'
            f'        "key": "{rand(r, ALNUM, 64)}",\n        "secret": "{rand(r, ALNUM, 64)}",\n'
            '        "pair_whitelist": ["BTC/USDT", "ETH/USDT"]\n    }\n}\n').encode()


def kraken_yaml(r):
    return (f"exchange: kraken\nkraken:\n  api_key: {rand(r, ALNUM, 56)}\n"
            f"  private_key: {base64.b64encode(bytes(r.getrandbits(8) for _ in range(64))).decode()}\n").encode()


def binance_constants(r):
    return [b"", f'BINANCE_API_KEY = "{rand(r, ALNUM, 64)}"'.encode(),
            f'BINANCE_SECRET_KEY = "{rand(r, ALNUM, 64)}"'.encode(), b""]


# --------------------------------------------------------------------------------------------
# The history
# --------------------------------------------------------------------------------------------


class Stream:
    """A git fast-import stream written straight to the process (bounded memory at any scale)."""

    def __init__(self, dest):
        self.proc = subprocess.Popen(["git", "fast-import", "--quiet", "--depth=50"], stdin=subprocess.PIPE, cwd=dest)
        self.out = self.proc.stdin
        self.n = 0
        self.t0 = 1_500_000_000
        self.bytes = 0

    def commit(self, changes, msg):
        """changes: [(path, bytes | None)]: None deletes."""
        w = self.out.write
        self.n += 1
        stamp = b"%d +0000" % (self.t0 + self.n * 1800)
        w(b"commit refs/heads/main\nmark :%d\n" % self.n)
        w(b"author Bench Bot <bench@example.invalid> " + stamp + b"\n")
        w(b"committer Bench Bot <bench@example.invalid> " + stamp + b"\n")
        m = msg.encode()
        w(b"data %d\n%s\n" % (len(m), m))
        if self.n > 1:
            w(b"from :%d\n" % (self.n - 1))
        for path, data in changes:
            if data is None:
                w(b"D %s\n" % path.encode())
            else:
                w(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
                w(data)
                w(b"\n")
                self.bytes += len(data)
        w(b"\n")

    def close(self):
        self.out.close()
        if self.proc.wait() != 0:
            sys.exit("git fast-import failed")


def plants(commits, rng):
    """commit index -> list of (kind, key rng); each planted thing is removed some commits later."""
    kinds = ["okx-env", "binance-config", "binance-constants", "kraken-yaml"]
    out = {}
    for j, frac in enumerate((0.15, 0.35, 0.55, 0.8)):
        at = max(2, int(commits * frac))
        out.setdefault(at, []).append((kinds[j], random.Random(rng.getrandbits(64))))
    return out


PLANT_PATHS = {"okx-env": ".env", "binance-config": "user_data/config.json", "kraken-yaml": "deploy/kraken.yml"}
PLANT_MAKERS = {"okx-env": okx_env, "binance-config": binance_config, "kraken-yaml": kraken_yaml}
KEEP = 30  # commits a planted key stays before it is removed


def plant_and_remove(i, plan, removals, carrier, carrier_lines, changes):
    """Commit i's planted keys (into `changes`; the Binance constants into `carrier_lines`, under
    its first line) and the removal of those planted KEEP commits ago."""
    for kind, krng in plan.get(i, []):
        if kind == "binance-constants":
            carrier_lines[1:1] = binance_constants(krng)
            changes[carrier] = None  # rendered from its lines
            removals.setdefault(i + KEEP, []).append(("unconstant", carrier))
        else:
            p = PLANT_PATHS[kind]
            changes[p] = PLANT_MAKERS[kind](krng)
            removals.setdefault(i + KEEP, []).append(("delete", p))
    for what, arg in removals.pop(i, []):
        if what == "delete":
            changes[arg] = b"DELETE"
        else:
            # Edits since may have moved them: find the constants again.
            idx = next((k for k, l in enumerate(carrier_lines) if l.startswith(b"BINANCE_API_KEY = ")), None)
            if idx is not None:
                del carrier_lines[idx - 1:idx + 3]
            changes[carrier] = None


def rendered(changes, lines_of):
    """A commit's (path, bytes or None for a deletion), in path order; `None` changes are
    rendered from `lines_of(path)`."""
    out = []
    for p in sorted(changes):
        data = changes[p]
        if data == b"DELETE":
            out.append((p, None))
        elif data is None:
            out.append((p, b"\n".join(lines_of(p)) + b"\n"))
        else:
            out.append((p, data))
    return out


def gen_large(s, commits, rng):
    t = Text(rng)
    big = {  # path -> (lines, kind, rewrite probability per commit, edits per rewrite)
        "data/markets.json": [t.json_file(1_000_000, 0.05), "json", 0.035, 200],
        "data/tickers.json": [t.json_file(300_000, 0.0), "json", 0.15, 80],
        "src/exchange/client.py": [t.py_module(200_000, 0.08), "py", 0.25, 6],
        "src/exchange/models.py": [t.py_module(120_000, 0.02), "py", 0.28, 4],
    }
    small = {f"src/util/{t.ident()}_{i}.py": t.py_module(rng.randint(2000, 9000), 0.05) for i in range(40)}
    small.update({f"docs/{t.ident()}_{i}.md": t.doc(rng.randint(1000, 6000)) for i in range(20)})
    first = [(p, b"\n".join(v[0]) + b"\n") for p, v in big.items()] + [(p, b"\n".join(l) + b"\n") for p, l in small.items()]
    s.commit(first, "initial import")
    plan = plants(commits, rng)
    removals = {}
    carrier = "src/exchange/client.py"
    small_paths = sorted(small)
    for i in range(1, commits):
        changes = {}
        plant_and_remove(i, plan, removals, carrier, big[carrier][0], changes)
        for p, v in big.items():
            lines, kind, prob, edits = v
            if rng.random() < prob:
                n = max(1, int(rng.gauss(edits, edits / 4)))
                (edit_json if kind == "json" else edit_py)(t, lines, n, 0.05 if kind == "json" else 0.08)
                changes[p] = None
        if not changes or rng.random() < 0.3:
            p = rng.choice(small_paths)
            edit_text(t, small[p], rng.randint(1, 4))
            changes[p] = None
        out = rendered(changes, lambda p: big[p][0] if p in big else small[p])
        s.commit(out, f"update {', '.join(p for p, _ in out[:3])}")


def gen_small(s, commits, rng):
    t = Text(rng)
    dirs = []
    for top in ("freqbot", "tests", "docs", "config"):
        for i in range({"freqbot": 60, "tests": 40, "docs": 12, "config": 8}[top]):
            depth = rng.randint(1, 3)
            dirs.append("/".join([top] + [t.ident(1) + str(rng.randint(0, 9)) for _ in range(depth - 1)] + [f"m{i}"]))
    files = {}  # path -> lines
    by_dir = {}
    for d in dirs:
        top = d.split("/")[0]
        for j in range(rng.randint(10, 32)):
            size = min(30_000, max(1500, int(rng.lognormvariate(8.8, 0.6))))
            if top in ("freqbot", "tests"):
                p, lines = f"{d}/{t.ident()}_{j}.py", t.py_module(size, 0.12 if rng.random() < 0.15 else 0.0)
            elif top == "docs":
                p, lines = f"{d}/{t.ident()}_{j}.md", t.doc(size)
            elif rng.random() < 0.5:
                p, lines = f"{d}/{t.ident()}_{j}.json", t.json_file(size, 0.1)
            else:
                p, lines = f"{d}/{t.ident()}_{j}.yml", t.yaml(size)
            files[p] = lines
            by_dir.setdefault(d, []).append(p)
    paths = sorted(files)
    s.commit([(p, b"\n".join(files[p]) + b"\n") for p in paths], "initial import")
    plan = plants(commits, rng)
    removals = {}
    carrier = next(p for p in paths if p.endswith(".py") and p.startswith("freqbot/"))
    for i in range(1, commits):
        changes = {}
        plant_and_remove(i, plan, removals, carrier, files[carrier], changes)
        # A handful of files, mostly in one directory and its neighbours.
        k = min(40, 1 + int(rng.expovariate(1 / 6)))
        d = rng.randrange(len(dirs))
        for _ in range(k):
            dd = dirs[min(len(dirs) - 1, max(0, d + int(rng.gauss(0, 1.5))))]
            p = rng.choice(by_dir[dd])
            lines = files[p]
            if p.endswith(".py"):
                edit_py(t, lines, rng.randint(1, 3), 0.02)
            elif p.endswith(".json"):
                edit_json(t, lines, rng.randint(1, 5), 0.1)
            else:
                edit_text(t, lines, rng.randint(1, 3))
            changes[p] = None
        out = rendered(changes, lambda p: files[p])
        s.commit(out, f"update {len(out)} files")


FULL = {"large": 11_000, "small": 26_000}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", choices=sorted(FULL), required=True)
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the full commit count (default 1)")
    ap.add_argument("--commits", type=int, help="commit count (overrides --scale)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-repack", dest="repack", action="store_false",
                    help="keep fast-import's pack (each version a delta on the previous one) instead of "
                         "`git repack -adf --depth=50 --window=10` (git's layout: newer versions are the bases, "
                         "as in a clone of a real repository)")
    ap.add_argument("dest")
    a = ap.parse_args()
    commits = a.commits or max(50, int(FULL[a.shape] * a.scale))
    shutil.rmtree(a.dest, ignore_errors=True)
    os.makedirs(a.dest)
    subprocess.run(["git", "init", "-q", "-b", "main", a.dest], check=True)
    rng = random.Random(f"{a.shape}:{a.seed}")
    s = Stream(a.dest)
    (gen_large if a.shape == "large" else gen_small)(s, commits, rng)
    s.close()
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=a.dest, check=True)
    if a.repack:
        subprocess.run(["git", "repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=10"], cwd=a.dest, check=True)
    packs = os.path.join(a.dest, ".git", "objects", "pack")
    pack_bytes = sum(os.path.getsize(os.path.join(packs, f)) for f in os.listdir(packs) if f.endswith(".pack"))
    print(f"{a.shape}: {commits:,} commits, {s.bytes / 1e6:,.1f} MB of blobs written (unique: about the same), "
          f"pack {pack_bytes / 1e6:,.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
