#!/usr/bin/env python3
"""Render fixtures/syntax/<family>/ and fixtures/decoys/<category>/ and their expectation table.

One mini tree per syntax family of issue 7 ("Syntaxes that must produce bindings") with planted
synthetic credentials, and one decoy tree per item of its "Precision" section. The templates are
below; markers in them are replaced by values:

    ⟪RULE|KIND⟫        a planted credential: a fresh value of KIND that keylint must report with
                       rule RULE (exchange = the rule's prefix) at the value's first character
    ⟪=KIND⟫            a fresh helper value (a public address, a signature) with no expectation
    ⟪~KIND⟫            a fresh decoy value (counted as a decoy; must not be reported)
    ⟪~:TEXT⟫           a literal decoy value TEXT (placeholders, published documentation examples)

`KIND#TAG` reuses one value for every marker with the same KIND and TAG. Kinds: uuid, HEX32,
hexN, 0xhexN, alnumN, urlN ([A-Za-z0-9_-]; both with a digit and both cases), letters8
(3 lower- + 5 upper-case letters), b64_N (base64 text of length N), pass (a user-chosen
passphrase: 14 chars, mixed case, digits and a symbol), bgkey (Bitget `bg_` + hex32), htxkey
(HTX 8-8-8-5), mx0v (MEXC), gemini (`account-` + 20 alnum), cdpname (Coinbase CDP key name),
ecpem (SEC1 EC P-256), edpem (PKCS#8 Ed25519), rsapem (PKCS#8 RSA 2048), plus transforms
`T:KIND`: json (newlines as `\\n`), json2 (newlines as `\\\\n`: a JSON-escaped string inside a
notebook's JSON), jslash (`/` as `\\/`), urlenc, b64of, indentN (continuation lines indented by N
spaces), maskstar / maskell (first and last 4 kept, middle starred / elided), sops, jasypt,
sealed, vault (ansible-vault payload lines, indented by the marker's column).

Every value comes from Python's `secrets` (never a real or documented key) and is re-drawn if it
matches one of keylint's placeholder patterns, so a re-render never loses a finding by accident.
Values are fixed-length per kind, so lines and columns stay put across re-renders; the table is
rewritten anyway.

    python3 tests/gen_syntax_fixtures.py           # render both trees and rewrite the table
    python3 tests/gen_syntax_fixtures.py --print   # only print the expectation table and counts

The table is the block between `// @generated-begin` and `// @generated-end` in
tests/syntax_fixtures.rs. Columns are 1-based Unicode scalar columns; a multi-line value (a PEM,
a `>-` scalar) is expected where its text starts.
"""

import base64
import json
import re
import secrets
import shutil
import string
import sys
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYNTAX_OUT = ROOT / "fixtures" / "syntax"
DECOY_OUT = ROOT / "fixtures" / "decoys"
RUST = ROOT / "tests" / "syntax_fixtures.rs"

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "_-"
LOWER_ALNUM = string.ascii_lowercase + string.digits
PASS_SYMBOLS = "!%^_-+.@"
TAB = "\t"

# keylint's placeholder patterns (rules/detectors/_ignore.yaml) plus shapes a YAML/TOML reader
# would take for a number: a value matching one is drawn again.
AVOID = [
    re.compile(p, re.I)
    for p in [
        r"(my|the|enter|insert|put|replace|test|fake|real)[_\- ].*",
        r".*(your|placeholder|example|changeme|change_me|redacted|dummy|sample|insert_?here|goes_?here).*",
        r"[x*.\-_#?0]+",
        r"(x{4,}|X{4,}|\*{3,}).*",
        r".*(x{6,}|X{6,}|\*{3,}|\.{3,}).*",
        r"[0-9.eE+-]+",
        r".*(.)\1\1\1.*",
    ]
]


# Words keylint takes as a sign that a passphrase-named value is a placeholder or a field name
# (src/detect/value.rs): a drawn passphrase never contains one, so no draw is a decoy by chance.
NOT_A_PASSPHRASE = ["pass", "secret", "test", "example", "sample", "demo", "your", "change", "dummy",
                    "fake", "mock", "placeholder", "xxx", "todo", "default", "none", "null", "access",
                    "sign", "header", "key", "phrase", "redacted", "hidden", "env", "vault", "insert",
                    "replace", "fixme", "foobar", "qwerty", "letmein", "admin", "abc123"]


def acceptable(v):
    return not any(p.fullmatch(v) for p in AVOID) and not v.startswith(("-", "_"))


def random_looking(v):
    """A drawn alphanumeric value has a digit and both cases (so it never reads as a camelCase
    identifier), and a short one has no repeated character: whether it is reported must never
    depend on the draw."""
    return (
        any(c.isdigit() for c in v)
        and any(c.isupper() for c in v)
        and any(c.islower() for c in v)
        and (len(v) > 12 or len(set(v)) == len(v))
    )


def draw(gen):
    while True:
        v = gen()
        if acceptable(v):
            return v


def rand(chars, n):
    return "".join(secrets.choice(chars) for _ in range(n))


def passphrase():
    while True:
        v = secrets.choice(string.ascii_letters) + rand(ALNUM + PASS_SYMBOLS, 13)
        if (
            any(c.isdigit() for c in v)
            and any(c.isupper() for c in v)
            and any(c.islower() for c in v)
            and any(c in PASS_SYMBOLS for c in v)
            and not any(w in v.lower() for w in NOT_A_PASSPHRASE)
        ):
            return v


def b64_text(n):
    """Base64 text of exactly n characters (padding included): 88 = 64 bytes, 44 = 32, 28 = 20 …"""
    nbytes = {88: 64, 44: 32, 28: 20, 24: 16}.get(n, n * 3 // 4)
    v = base64.b64encode(secrets.token_bytes(nbytes)).decode()
    assert len(v) == n, (n, len(v))
    return v


def pem(private_key, fmt):
    from cryptography.hazmat.primitives import serialization as s

    return private_key.private_bytes(s.Encoding.PEM, fmt, s.NoEncryption()).decode().rstrip("\n")


def ec_pem():
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives import serialization as s

    return pem(ec.generate_private_key(ec.SECP256R1()), s.PrivateFormat.TraditionalOpenSSL)


def ed_pem():
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.hazmat.primitives import serialization as s

    return pem(ed25519.Ed25519PrivateKey.generate(), s.PrivateFormat.PKCS8)


def rsa_pem():
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives import serialization as s

    return pem(rsa.generate_private_key(public_exponent=65537, key_size=2048), s.PrivateFormat.PKCS8)


def sops_value(plain_len):
    data = base64.b64encode(secrets.token_bytes(plain_len)).decode()
    iv = base64.b64encode(secrets.token_bytes(32)).decode()
    tag = base64.b64encode(secrets.token_bytes(16)).decode()
    return f"ENC[AES256_GCM,data:{data},iv:{iv},tag:{tag},type:str]"


def sealed_value():
    return "AgB" + base64.b64encode(secrets.token_bytes(540)).decode()


def jasypt_value():
    return "ENC(" + base64.b64encode(secrets.token_bytes(48)).decode() + ")"


def vault_payload(indent):
    """ansible-vault 1.1 payload: hex of `salt\\nhmac\\nciphertext`, wrapped at 80 columns."""
    inner = "\n".join([secrets.token_hex(32), secrets.token_hex(32), secrets.token_hex(64)]).encode().hex()
    lines = [inner[i : i + 80] for i in range(0, len(inner), 80)]
    return ("\n" + " " * indent).join(lines)


SIMPLE = {
    "uuid": lambda: str(uuid.uuid4()),
    "HEX32": lambda: secrets.token_hex(16).upper(),
    "pass": passphrase,
    "bgkey": lambda: "bg_" + secrets.token_hex(16),
    "htxkey": lambda: "-".join(rand(LOWER_ALNUM, n - 1) + secrets.choice(string.digits) for n in (8, 8, 8, 5)),
    "mx0v": lambda: "mx0vgl" + rand(ALNUM, 12),
    "gemini": lambda: "account-" + rand(ALNUM, 20),
    "cdpname": lambda: f"organizations/{uuid.uuid4()}/apiKeys/{uuid.uuid4()}",
    "ecpem": ec_pem,
    "edpem": ed_pem,
    "rsapem": rsa_pem,
    "sealed": sealed_value,
    "jasypt": jasypt_value,
}


def generate(kind, tag, values, column):
    if ":" in kind:
        op, inner = kind.split(":", 1)
        src = value_of(inner, tag, values, column)
        if op == "json":
            return src.replace("\n", "\\n")
        if op == "json2":
            return src.replace("\n", "\\\\n")
        if op == "jslash":
            return src.replace("/", "\\/")
        if op == "urlenc":
            return urllib.parse.quote(src, safe="")
        if op == "b64of":
            return base64.b64encode(src.encode()).decode()
        if op.startswith("indent"):
            return src.replace("\n", "\n" + " " * int(op[len("indent") :]))
        if op == "maskstar":
            return src[:4] + "*" * (len(src) - 8) + src[-4:]
        if op == "maskell":
            return src[:4] + "…" + src[-4:]
        if op == "sops":
            return sops_value(len(src))
        raise SystemExit(f"unknown transform {op}")
    if kind == "vault":
        return vault_payload(column - 1)
    m = re.fullmatch(r"(0x)?hex(\d+)", kind)
    if m:
        return draw(lambda: (m.group(1) or "") + secrets.token_hex(int(m.group(2)) // 2))
    m = re.fullmatch(r"(alnum|url)(\d+)", kind)
    if m:
        chars = {"alnum": ALNUM, "url": URLSAFE}[m.group(1)]
        while True:
            v = draw(lambda: rand(chars, int(m.group(2))))
            if random_looking(v):
                return v
    if kind == "letters8":
        # an all-letter id: about a quarter of random 8-character alphanumeric ids have no digit
        while True:
            v = rand(string.ascii_lowercase, 3) + rand(string.ascii_uppercase, 5)
            if len(set(v)) == 8:
                return v
    m = re.fullmatch(r"b64_(\d+)", kind)
    if m:
        return draw(lambda: b64_text(int(m.group(1))))
    if kind in SIMPLE:
        return draw(SIMPLE[kind]) if kind not in ("ecpem", "edpem", "rsapem", "sealed", "jasypt") else SIMPLE[kind]()
    raise SystemExit(f"unknown kind {kind}")


def value_of(kind, tag, values, column=1):
    if tag is None:
        return generate(kind, None, values, column)
    key = (kind, tag)
    if key not in values:
        values[key] = generate(kind, tag, values, column)
    return values[key]


MARKER = re.compile(r"⟪([^⟫]*)⟫")


def render(template, values):
    """Returns (text, expected [(line, column, rule)], decoy count)."""
    out = []
    expected = []
    decoys = 0
    pos = 0
    text_so_far = ""
    for m in MARKER.finditer(template):
        out.append(template[pos : m.start()])
        pos = m.end()
        text_so_far = "".join(out)
        line = text_so_far.count("\n") + 1
        column = len(text_so_far) - (text_so_far.rfind("\n") + 1) + 1
        body = m.group(1)
        if body.startswith("~:"):
            out.append(body[2:])
            decoys += 1
            continue
        rule = None
        if body.startswith("="):
            spec = body[1:]
        elif body.startswith("~"):
            spec = body[1:]
            decoys += 1
        else:
            rule, spec = body.split("|", 1)
        kind, _, tag = spec.partition("#")
        value = value_of(kind, tag or None, values, column)
        out.append(value)
        if rule:
            expected.append((line, column, rule))
    out.append(template[pos:])
    text = "".join(out).replace("⇥", TAB)
    return text, expected, decoys


# ---------------------------------------------------------------------------------------------
# Syntax families. `⇥` is a tab. Each entry: path -> (what it exercises, template).
# ---------------------------------------------------------------------------------------------

SYNTAX = {}

SYNTAX["env-shell"] = {
    "deploy/.env": (
        "`.env` with `export`, bare, double- and single-quoted values",
        """\
# OKX market-making desk (prod)
export OKX_API_KEY=⟪okx-api-key|uuid⟫
export OKX_SECRET_KEY="⟪okx-secret-key|HEX32⟫"
export OKX_PASSPHRASE='⟪okx-passphrase|pass⟫'
export OKX_SIMULATED=0
LOG_LEVEL=info
""",
    ),
    "deploy/bitfinex.env": (
        "an abbreviated exchange in longer credential names (`BFX_API_KEY`, `bfx-api-secret`)",
        """\
BFX_API_KEY=⟪bitfinex-api-key|url43⟫
bfx-api-secret=⟪bitfinex-secret-key|url43⟫
""",
    ),
    "scripts/start-hedger.sh": (
        "shell `${X:-literal}` defaults",
        """\
#!/usr/bin/env bash
# Starts the Bybit hedger; the fallbacks are the staging box's key.
set -euo pipefail

BYBIT_API_KEY="${BYBIT_API_KEY:-⟪bybit-api-key|alnum18⟫}"
BYBIT_API_SECRET="${BYBIT_API_SECRET:-⟪bybit-secret-key|alnum36⟫}"
export BYBIT_API_KEY BYBIT_API_SECRET

exec python -m hedger --venue bybit
""",
    ),
    "scripts/run-grid.sh": (
        "`docker run -e X=…` / `--env X=…`, continued lines and one line",
        """\
#!/bin/sh
docker run --rm --name kucoin-grid \\
  -e KUCOIN_API_KEY=⟪kucoin-api-key|hex24⟫ \\
  -e KUCOIN_API_SECRET=⟪kucoin-secret-key|uuid⟫ \\
  -e KUCOIN_API_PASSPHRASE='⟪kucoin-passphrase|pass⟫' \\
  ghcr.io/acme/grid-bot:2.3.1 --pair BTC-USDT

docker run -d --env HYPERLIQUID_PRIVATE_KEY=⟪hyperliquid-private-key|0xhex64⟫ --env HL_ACCOUNT_ADDRESS=⟪=0xhex40⟫ ghcr.io/acme/hl-mm:0.4
""",
    ),
}

SYNTAX["commands"] = {
    "ops/provision.sh": (
        "values inside commands: `--flag value`, `--opt=NAME='v'`, `--body` after the name, JSON in an argument, sed replacements, Redis fields",
        """\
#!/usr/bin/env bash
# Provision the arbitrage desk's credentials on a new cluster.
set -euo pipefail

kubectl -n arb create secret generic kraken-creds \\
  --from-literal=KRAKEN_API_KEY='⟪kraken-api-key|b64_56⟫' \\
  --from-literal=KRAKEN_SECRET="$(op read 'op://desk/kraken/secret')"

gh secret set GATE_API_SECRET --repo acme/arb --body "⟪gate-secret-key|hex64⟫"
gh secret set GATE_API_KEY --repo acme/arb --body "$GATE_API_KEY"

aws ssm put-parameter --type SecureString --name /arb/bitget --value '{"apiKey":"⟪bitget-api-key|bgkey⟫","passphrase":"⟪bitget-passphrase|pass⟫"}'

sed -i "s|^BYBIT_API_SECRET=.*|BYBIT_API_SECRET=⟪bybit-secret-key|alnum36⟫|" /srv/arb/.env
sed -i "s|^BYBIT_API_KEY=.*|BYBIT_API_KEY=${NEW_KEY}|" /srv/arb/.env

redis-cli HSET venue:gemini api_secret ⟪gemini-secret-key|alnum28⟫ max_orders 40
""",
    ),
    "Procfile": (
        "Procfile process lines with `--flag value` arguments",
        """\
web: gunicorn arb.web:app --workers 3
hedger: python -m arb.hedger --exchange hyperliquid --agent-private-key ⟪hyperliquid-private-key|0xhex64⟫ --max-notional 25000
sweeper: python -m arb.sweeper --exchange hyperliquid --agent-private-key "$HL_AGENT_KEY"
""",
    ),
    "scripts/Init-DevSecrets.ps1": (
        "`dotnet user-secrets set \"Name\" \"value\"`: a quoted credential name, then its quoted value",
        """\
param([string]$Project = "src/Desk.Api")
dotnet user-secrets init --project $Project
dotnet user-secrets set "Bitfinex:ApiKey" "⟪bitfinex-api-key|url43⟫" --project $Project
dotnet user-secrets set "Bitfinex:ApiSecret" (Get-Secret -Name BitfinexApiSecret -AsPlainText) --project $Project
""",
    ),
    "scripts/poke.sh": (
        "HTTPie header arguments `Name:value` (glued) on continued lines",
        """\
SIG=$(python3 sign.py GET /balance)
http --check-status GET https://api.bitvavo.com/v2/balance \\
    Bitvavo-Access-Key:⟪bitvavo-api-key|hex64⟫ \\
    Bitvavo-Access-Signature:"$SIG" \\
    X-Request-Id:⟪=uuid⟫
""",
    ),
    "dotfiles/.netrc": (
        "netrc entries: `login` and `password` belong to their `machine`",
        """\
machine api.kraken.com
  login ⟪kraken-api-key|b64_56⟫
  password ⟪kraken-private-key|b64_88⟫
machine example.org login anonymous password guest
""",
    ),
}

SYNTAX["make"] = {
    "Makefile": (
        "`=`, `?=`, `:=`, `::=` and `-X main.key=…` ldflags",
        """\
# Build and ship the gate/bitvavo/mexc arbitrage bot
GATE_API_KEY = ⟪gate-api-key|hex32⟫
GATE_API_SECRET ?= ⟪gate-secret-key|hex64⟫
BITVAVO_API_KEY := ⟪bitvavo-api-key|hex64⟫
BITVAVO_API_SECRET ::= ⟪bitvavo-secret-key|hex128⟫
VERSION ?= 1.8.0

LDFLAGS := -s -w -X main.version=$(VERSION) -X main.mexcApiKey=⟪mexc-api-key|mx0v⟫ -X 'main.mexcSecretKey=⟪mexc-secret-key|hex32⟫'

.PHONY: build
build:
⇥go build -ldflags "$(LDFLAGS)" -o bin/arb ./cmd/arb
""",
    ),
}

SYNTAX["docker"] = {
    "Dockerfile": (
        "`ARG K=V`, `ENV K V`, `ENV K=V \\` continued",
        """\
FROM python:3.12-slim AS runtime
WORKDIR /app
ARG BITGET_API_KEY=⟪bitget-api-key|bgkey⟫
ENV BITGET_SECRET_KEY ⟪bitget-secret-key|hex64⟫
ENV BITGET_PASSPHRASE=⟪bitget-passphrase|pass⟫ \\
    BITGET_PRODUCT_TYPE=USDT-FUTURES
COPY . .
CMD ["python", "-m", "bot"]
""",
    ),
    "docker/kraken.Dockerfile": (
        "several `K=V` pairs on one `ENV` line, one quoted",
        """\
FROM node:22-alpine
ENV NODE_ENV=production KRAKEN_API_KEY=⟪kraken-api-key|b64_56⟫ KRAKEN_PRIVATE_KEY="⟪kraken-private-key|b64_88⟫"
COPY dist/ /srv/
CMD ["node", "/srv/index.js"]
""",
    ),
}

SYNTAX["systemd"] = {
    "deploy/upbit-arb.service": (
        "`Environment=` single, and a quoted list",
        """\
[Unit]
Description=Upbit KRW arbitrage bot
After=network-online.target

[Service]
User=trader
Environment=UPBIT_ACCESS_KEY=⟪upbit-access-key|alnum40⟫
Environment="UPBIT_SECRET_KEY=⟪upbit-secret-key|alnum40⟫" "UPBIT_MARKETS=KRW-BTC,KRW-ETH"
ExecStart=/opt/arb/bin/arb --venue upbit
Restart=on-failure

[Install]
WantedBy=multi-user.target
""",
    ),
    "deploy/mm.service": (
        "a quoted list holding both credentials",
        """\
[Service]
Environment="HTX_ACCESS_KEY=⟪htx-api-key|htxkey⟫" "HTX_SECRET_KEY=⟪htx-secret-key|htxkey⟫"
ExecStart=/usr/local/bin/mm --venue htx
""",
    ),
}

SYNTAX["crontab"] = {
    "crontab": (
        "variable line and a per-command assignment",
        """\
SHELL=/bin/bash
MAILTO=ops@example.com
BITSTAMP_API_KEY=⟪bitstamp-api-key|alnum32⟫
# m h dom mon dow command
*/5 * * * * BITSTAMP_API_SECRET=⟪bitstamp-secret-key|alnum32⟫ /opt/bot/rebalance.sh >> /var/log/rebalance.log 2>&1
""",
    ),
    "cron.d/sweep": (
        "/etc/cron.d format (user field), two assignments before the command",
        """\
# /etc/cron.d/sweep: nightly sweep of the Gemini account
15 3 * * * trader GEMINI_API_KEY=⟪gemini-api-key|gemini⟫ GEMINI_API_SECRET=⟪gemini-secret-key|alnum28⟫ /usr/bin/python3 /opt/gemini/sweep.py
""",
    ),
}

SYNTAX["ini-properties"] = {
    "config/exchanges.ini": (
        "INI sections name the exchange; `key = value`",
        """\
; credentials for the reporting job
[binance]
api_key = ⟪binance-api-key|alnum64⟫
api_secret = ⟪binance-secret-key|alnum64⟫
recv_window = 5000

[deribit]
client_id = ⟪deribit-client-id|alnum8⟫
client_secret = ⟪deribit-client-secret|url43⟫
testnet = false
""",
    ),
    "bot.cfg": (
        "`.cfg` with `key: value`",
        """\
[DEFAULT]
log_dir = /var/log/bot

[bitfinex]
key: ⟪bitfinex-api-key|url43⟫
secret: ⟪bitfinex-secret-key|url43⟫
""",
    ),
    "src/main/resources/application.properties": (
        "`.properties`: dotted and kebab names, `=` and `:` separators",
        """\
spring.application.name=settlement
exchange.cryptocom.api-key=⟪cryptocom-api-key|alnum22⟫
exchange.cryptocom.secret-key=⟪cryptocom-secret-key|alnum22⟫
bitmex.apiKey = ⟪bitmex-api-key|url24⟫
bitmex.apiSecret : ⟪bitmex-secret-key|url48⟫
""",
    ),
}

SYNTAX["yaml"] = {
    "config/venues.yaml": (
        "anchor + alias, flow mapping, `>-` and `|` scalars (value on the next line), PEM in `|`",
        """\
# Venue credentials for the staging cluster
credentials:
  main: &okx_main
    apiKey: ⟪okx-api-key|uuid⟫
    secret: ⟪okx-secret-key|HEX32⟫
    password: "⟪okx-passphrase|pass⟫"

exchanges:
  okx: *okx_main
  bybit: {apiKey: ⟪bybit-api-key|alnum18⟫, secret: "⟪bybit-secret-key|alnum36⟫", testnet: false}
  bitmex:
    api_key: >-
      ⟪bitmex-api-key|url24⟫
    api_secret: |
      ⟪bitmex-secret-key|url48⟫
  coinbase:
    key_name: ⟪coinbase-cdp-key-name|cdpname⟫
    private_key: |
      ⟪coinbase-private-key|indent6:ecpem⟫
""",
    ),
    "playbooks/roles/bot/tasks/main.yml": (
        "Ansible `lineinfile` lines and `blockinfile` blocks writing env files: `NAME=value` inside a YAML string",
        """\
- name: Deribit client id for the options bot
  ansible.builtin.lineinfile:
    path: /etc/bots/deribit.env
    line: "DERIBIT_CLIENT_ID=⟪deribit-client-id|alnum8⟫"
    create: true
    mode: "0600"
- name: Deribit client secret
  ansible.builtin.lineinfile:
    path: /etc/bots/deribit.env
    regexp: "^DERIBIT_CLIENT_SECRET="
    line: DERIBIT_CLIENT_SECRET=⟪deribit-client-secret|url43⟫
- name: Kraken keys
  ansible.builtin.blockinfile:
    path: /etc/bots/kraken.env
    block: |
      KRAKEN_API_KEY=⟪kraken-api-key|b64_56⟫
      KRAKEN_PRIVATE_KEY=⟪kraken-private-key|b64_88⟫
""",
    ),
    "docker-compose.yml": (
        "compose `environment:` list, bare and quoted items; the account address is public",
        """\
services:
  hl-maker:
    image: ghcr.io/acme/hl-maker:0.9
    environment:
      - HYPERLIQUID_PRIVATE_KEY=⟪hyperliquid-private-key|0xhex64⟫
      - HYPERLIQUID_ACCOUNT_ADDRESS=⟪=0xhex40⟫
      - "GATE_API_KEY=⟪gate-api-key|hex32⟫"
      - "GATE_API_SECRET=⟪gate-secret-key|hex64⟫"
    restart: unless-stopped
""",
    ),
}

SYNTAX["json"] = {
    "config/accounts.json": (
        "sibling `exchange` field names the venue of generic `key`/`secret` names",
        """\
{
  "accounts": [
    {
      "exchange": "bitvavo",
      "label": "eur-treasury",
      "apiKey": "⟪bitvavo-api-key|hex64⟫",
      "apiSecret": "⟪bitvavo-secret-key|hex128⟫"
    },
    {
      "exchange": "kucoin",
      "label": "arb",
      "key": "⟪kucoin-api-key|hex24⟫",
      "secret": "⟪kucoin-secret-key|uuid⟫",
      "passphrase": "⟪kucoin-passphrase|pass⟫"
    }
  ]
}
""",
    ),
    "postman/bitfinex.postman_environment.json": (
        "name/value pairs (`{\"key\": …, \"value\": …}`)",
        """\
{
  "id": "⟪=uuid⟫",
  "name": "Bitfinex production",
  "values": [
    {"key": "bfx_api_key", "value": "⟪bitfinex-api-key|url43⟫", "enabled": true},
    {"key": "bfx_api_secret", "value": "⟪bitfinex-secret-key|url43⟫", "enabled": true},
    {"key": "base_url", "value": "https://api.bitfinex.com", "enabled": true}
  ]
}
""",
    ),
    "keys/cdp_api_key.json": (
        "Coinbase CDP key file with `\\/`-escaped name and a JSON-escaped PEM",
        """\
{
   "name": "⟪coinbase-cdp-key-name|jslash:cdpname⟫",
   "privateKey": "⟪coinbase-private-key|json:ecpem⟫\\n"
}
""",
    ),
}

SYNTAX["json"]["postman/OKX private.postman_collection.json"] = (
    "Postman `apikey` auth: the `value` item is named by the `key` item beside it",
    """\
{
  "info": {"name": "OKX private REST", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "auth": {
    "type": "apikey",
    "apikey": [
      {"key": "value", "value": "⟪okx-api-key|uuid⟫", "type": "string"},
      {"key": "key", "value": "OK-ACCESS-KEY", "type": "string"},
      {"key": "in", "value": "header", "type": "string"}
    ]
  },
  "item": []
}
""",
)

SYNTAX["toml"] = {
    "config/bot.toml": (
        "dotted table headers, basic/literal/multi-line strings, an inline table (its client_id is all letters)",
        """\
[engine]
tick_ms = 250

[exchanges.bitstamp]
api_key = "⟪bitstamp-api-key|alnum32⟫"
api_secret = "⟪bitstamp-secret-key|alnum32⟫"

[exchanges.upbit]
access_key = '⟪upbit-access-key|alnum40⟫'
secret_key = '''⟪upbit-secret-key|alnum40⟫'''

[venues]
deribit = { client_id = "⟪deribit-client-id|letters8⟫", client_secret = "⟪deribit-client-secret|url43⟫" }

[hyperliquid]
account_address = "⟪=0xhex40⟫"
secret_key = "⟪hyperliquid-private-key|0xhex64⟫"
""",
    ),
}

SYNTAX["xml"] = {
    "App.config": (
        ".NET `<add key=… value=…/>`",
        """\
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <appSettings>
    <add key="BinanceApiKey" value="⟪binance-api-key|alnum64⟫" />
    <add key="BinanceApiSecret" value="⟪binance-secret-key|alnum64⟫" />
    <add key="Environment" value="Production" />
  </appSettings>
</configuration>
""",
    ),
    "settings.xml": (
        "Maven `settings.xml` profile properties",
        """\
<?xml version="1.0" encoding="UTF-8"?>
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
  <profiles>
    <profile>
      <id>bybit-live</id>
      <properties>
        <bybit.api.key>⟪bybit-api-key|alnum18⟫</bybit.api.key>
        <bybit.api.secret>⟪bybit-secret-key|alnum36⟫</bybit.api.secret>
      </properties>
    </profile>
  </profiles>
</settings>
""",
    ),
    "config/exchanges.xml": (
        "attributes beside a `name` attribute; child elements of a named element",
        """\
<?xml version="1.0"?>
<exchanges>
  <exchange name="htx" accessKey="⟪htx-api-key|htxkey⟫" secretKey="⟪htx-secret-key|htxkey⟫"/>
  <exchange name="gemini">
    <apiKey>⟪gemini-api-key|gemini⟫</apiKey>
    <apiSecret>⟪gemini-secret-key|alnum28⟫</apiSecret>
  </exchange>
</exchanges>
""",
    ),
}

SYNTAX["hcl-terraform"] = {
    "infra/main.tf": (
        "`data = { K = \"…\" }` in a resource block; `{ name = …, value = … }` pairs",
        """\
resource "kubernetes_secret" "bitget" {
  metadata {
    name      = "bitget-credentials"
    namespace = "trading"
  }
  data = {
    BITGET_API_KEY    = "⟪bitget-api-key|bgkey⟫"
    BITGET_SECRET_KEY = "⟪bitget-secret-key|hex64⟫"
  }
}

resource "aws_ecs_task_definition" "settlement" {
  family = "settlement"
  container_definitions = jsonencode([{
    name  = "settlement"
    image = "ghcr.io/acme/settlement:1.2.0"
    environment = [
      { name = "CRYPTOCOM_API_KEY", value = "⟪cryptocom-api-key|alnum22⟫" },
      { name = "CRYPTOCOM_SECRET_KEY", value = "⟪cryptocom-secret-key|alnum22⟫" },
    ]
  }])
}
""",
    ),
    "infra/variables.tf": (
        "`variable` defaults",
        """\
variable "bitfinex_api_key" {
  type      = string
  sensitive = true
  default   = "⟪bitfinex-api-key|url43⟫"
}

variable "bitfinex_api_secret" {
  type      = string
  sensitive = true
  default   = "⟪bitfinex-secret-key|url43⟫"
}
""",
    ),
    "infra/prod.tfvars": (
        "`.tfvars` assignments",
        """\
region         = "ap-northeast-1"
okx_api_key    = "⟪okx-api-key|uuid⟫"
okx_secret_key = "⟪okx-secret-key|HEX32⟫"
okx_passphrase = "⟪okx-passphrase|pass⟫"
""",
    ),
    "infra/terraform.tfstate": (
        "a state file's output value, named by its parent",
        """\
{
  "version": 4,
  "terraform_version": "1.9.5",
  "serial": 12,
  "outputs": {
    "deribit_client_secret": {
      "value": "⟪deribit-client-secret|url43⟫",
      "type": "string",
      "sensitive": true
    }
  },
  "resources": []
}
""",
    ),
}


def notebook():
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Binance / Coinbase backtest\n"]},
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "outputs": [],
            "source": [
                "import ccxt\n",
                "\n",
                "exchange = ccxt.binance({\n",
                '    "apiKey": "⟪binance-api-key|alnum64⟫",\n',
                '    "secret": "⟪binance-secret-key|alnum64⟫",\n',
                "})",
            ],
        },
        {
            "cell_type": "code",
            "execution_count": 2,
            "metadata": {},
            "outputs": [],
            "source": [
                "from coinbase.rest import RESTClient\n",
                "\n",
                "client = RESTClient(\n",
                '    api_key="⟪coinbase-cdp-key-name|cdpname⟫",\n',
                # the PEM's `\n` escapes are Python source; JSON doubles their backslash
                '    api_secret="⟪coinbase-private-key|json2:ecpem⟫\\n",\n',
                ")",
            ],
        },
        {
            "cell_type": "code",
            "execution_count": 3,
            "metadata": {},
            "outputs": [
                {
                    "name": "stdout",
                    "output_type": "stream",
                    "text": [
                        "BITMEX_API_KEY=⟪bitmex-api-key|url24⟫\n",
                        "BITMEX_API_SECRET=⟪bitmex-secret-key|url48⟫\n",
                    ],
                }
            ],
            "source": ["!cat ../deploy/bitmex.env"],
        },
    ]
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.12.4"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


SYNTAX["notebook"] = {
    "notebooks/backtest.ipynb": (
        "code cells (a ccxt call; a doubly escaped PEM) and a stream output echoing an env file",
        notebook(),
    ),
}

SYNTAX["python"] = {
    "bot/venues.py": (
        "constants, implicit string concatenation, SDK client with keyword arguments, ccxt dict, `from_key`",
        """\
\"\"\"Venue clients for the cross-exchange arbitrage bot.\"\"\"
import ccxt
from eth_account import Account
from hyperliquid.exchange import Exchange
from pybit.unified_trading import HTTP

GATE_API_KEY = "⟪gate-api-key|hex32⟫"
GATE_API_SECRET = (
    "⟪gate-secret-key|hex32#gs⟫"
    "⟪=hex32#gs2⟫"
)

hedge = HTTP(
    testnet=False,
    api_key="⟪bybit-api-key|alnum18⟫",
    api_secret="⟪bybit-secret-key|alnum36⟫",
)

kraken = ccxt.kraken({
    'apiKey': '⟪kraken-api-key|b64_56⟫',
    'secret': '⟪kraken-private-key|b64_88⟫',
})

agent = Account.from_key("⟪hyperliquid-private-key|0xhex64⟫")
hl = Exchange(agent, account_address="⟪=0xhex40⟫")
""",
    ),
}

SYNTAX["js-ts"] = {
    "src/config.ts": (
        "`const x: string = …` with double, single and template quotes; SDK client; ccxt constructor",
        """\
import { RestClientV2 } from 'bitget-api';
import ccxt from 'ccxt';

const okxApiKey: string = "⟪okx-api-key|uuid⟫";
export const OKX_SECRET_KEY: string = '⟪okx-secret-key|HEX32⟫';
const okxPassphrase: string = `⟪okx-passphrase|pass⟫`;

export const bitget = new RestClientV2({
  apiKey: '⟪bitget-api-key|bgkey⟫',
  apiSecret: '⟪bitget-secret-key|hex64⟫',
  apiPass: '⟪bitget-passphrase|pass⟫',
});

export const kucoin = new ccxt.kucoin({
  apiKey: "⟪kucoin-api-key|hex24⟫",
  secret: "⟪kucoin-secret-key|uuid⟫",
  password: "⟪kucoin-passphrase|pass⟫",
});

export const okx = { apiKey: okxApiKey, secret: OKX_SECRET_KEY, password: okxPassphrase };
""",
    ),
}

SYNTAX["go"] = {
    "cmd/bot/main.go": (
        "`var x string = …`, `const`, struct literal of an exchange-named type, `:=`, `WithAuth(\"…\", \"…\")`",
        """\
package main

import (
⇥"fmt"

⇥"github.com/hirokisan/bybit/v2"
)

var binanceAPIKey string = "⟪binance-api-key|alnum64⟫"

const binanceSecretKey = "⟪binance-secret-key|alnum64⟫"

type KrakenConfig struct {
⇥APIKey    string
⇥APISecret string
}

func main() {
⇥kraken := KrakenConfig{
⇥⇥APIKey:    "⟪kraken-api-key|b64_56⟫",
⇥⇥APISecret: "⟪kraken-private-key|b64_88⟫",
⇥}
⇥gateKey := "⟪gate-api-key|hex32⟫"
⇥gateSecret := "⟪gate-secret-key|hex64⟫"
⇥client := bybit.NewClient().WithAuth("⟪bybit-api-key|alnum18⟫", "⟪bybit-secret-key|alnum36⟫")
⇥fmt.Println(binanceAPIKey != "", binanceSecretKey != "", kraken.APIKey != "", gateKey != "", gateSecret != "", client != nil)
}
""",
    ),
}

SYNTAX["rust"] = {
    "src/main.rs": (
        "`const X: &str`, `static`, a raw-string PEM, a struct literal with `.to_string()`/`.into()`",
        """\
mod venues;

const DERIBIT_CLIENT_ID: &str = "⟪deribit-client-id|alnum8⟫";
static DERIBIT_CLIENT_SECRET: &str = "⟪deribit-client-secret|url43⟫";

const BINANCE_ED25519_PRIVATE_KEY: &str = r#"⟪binance-private-key|edpem⟫
"#;

struct BitstampAuth {
    api_key: String,
    api_secret: String,
}

fn main() {
    let bitstamp = BitstampAuth {
        api_key: "⟪bitstamp-api-key|alnum32⟫".to_string(),
        api_secret: "⟪bitstamp-secret-key|alnum32⟫".into(),
    };
    let _ = (DERIBIT_CLIENT_ID, DERIBIT_CLIENT_SECRET, BINANCE_ED25519_PRIVATE_KEY, bitstamp.api_key, bitstamp.api_secret);
    let _ = venues::upbit::client();
}
""",
    ),
    "src/venues/upbit.rs": (
        "`Credentials::new(\"…\", \"…\")` in a module that imports the exchange's SDK",
        """\
use upbit::{Client, Credentials};

pub fn client() -> Client {
    Client::new(Credentials::new("⟪upbit-access-key|alnum40⟫", "⟪upbit-secret-key|alnum40⟫"))
}
""",
    ),
}

SYNTAX["java-kotlin"] = {
    "src/main/kotlin/com/acme/bot/HtxKeys.kt": (
        "Kotlin `val x: String = …`",
        """\
package com.acme.bot

object HtxKeys {
    val htxAccessKey: String = "⟪htx-api-key|htxkey⟫"
    val htxSecretKey: String = "⟪htx-secret-key|htxkey⟫"
}
""",
    ),
    "src/main/java/com/acme/bot/Main.java": (
        "`static final String` fields and `System.setProperty(\"NAME\", \"value\")`",
        """\
package com.acme.bot;

public final class Main {
    private static final String GEMINI_API_KEY = "⟪gemini-api-key|gemini⟫";
    private static final String GEMINI_API_SECRET = "⟪gemini-secret-key|alnum28⟫";

    public static void main(String[] args) {
        System.setProperty("BITSTAMP_API_KEY", "⟪bitstamp-api-key|alnum32⟫");
        System.setProperty("bitstamp.api.secret", "⟪bitstamp-secret-key|alnum32⟫");
        new Bot(GEMINI_API_KEY, GEMINI_API_SECRET).run();
    }
}
""",
    ),
}

SYNTAX["csharp"] = {
    "src/Bot/Program.cs": (
        "`new ApiCredentials(\"…\", \"…\")` inside exchange clients' options; a verbatim string",
        """\
using Binance.Net.Clients;
using CryptoExchange.Net.Authentication;
using Kucoin.Net.Clients;
using Kucoin.Net.Objects;

const string OkxSecretKey = @"⟪okx-secret-key|HEX32⟫";

var binance = new BinanceRestClient(options =>
{
    options.ApiCredentials = new ApiCredentials("⟪binance-api-key|alnum64⟫", "⟪binance-secret-key|alnum64⟫");
});

var kucoin = new KucoinRestClient(options =>
{
    options.ApiCredentials = new KucoinApiCredentials("⟪kucoin-api-key|hex24⟫", "⟪kucoin-secret-key|uuid⟫", "⟪kucoin-passphrase|pass⟫");
});

Console.WriteLine($"{binance} {kucoin} {OkxSecretKey.Length}");
""",
    ),
}

SYNTAX["csharp"]["src/Desk.Api/Venues/CcxtVenues.cs"] = (
    "a ccxt C# client from a `Dictionary` collection initializer (`{ 'apiKey', '…' }` pairs)",
    """\
using System.Collections.Generic;
using ccxt;

public static class CcxtVenues
{
    public static Exchange Hedge()
    {
        var exchange = new ccxt.kucoin(new Dictionary<string, object>() {
            { "apiKey", "⟪kucoin-api-key|hex24⟫" },
            { "secret", "⟪kucoin-secret-key|uuid⟫" },
            { "password", Environment.GetEnvironmentVariable("KUCOIN_API_PASSPHRASE") },
        });
        return exchange;
    }
}
""",
)

SYNTAX["php"] = {
    "config/exchanges.php": (
        "`$x = …`, `.=`, `define()`, `$_ENV['X'] ?? 'literal'`",
        """\
<?php
// Exchange credentials for the settlement worker

$bitvavoApiKey = '⟪bitvavo-api-key|hex64⟫';
$bitvavoApiSecret = "⟪bitvavo-secret-key|hex128⟫";

$gateKey = '⟪gate-api-key|hex32⟫';
$gateSecret = '';
$gateSecret .= '⟪gate-secret-key|hex64⟫';

define('MEXC_API_KEY', '⟪mexc-api-key|mx0v⟫');
define('MEXC_SECRET_KEY', '⟪mexc-secret-key|hex32⟫');

$htxAccessKey = $_ENV['HTX_ACCESS_KEY'] ?? '⟪htx-api-key|htxkey⟫';
$htxSecretKey = $_ENV['HTX_SECRET_KEY'] ?? '⟪htx-secret-key|htxkey⟫';

return compact('bitvavoApiKey', 'bitvavoApiSecret', 'gateKey', 'gateSecret', 'htxAccessKey', 'htxSecretKey');
""",
    ),
}

SYNTAX["ruby"] = {
    "config/initializers/exchanges.rb": (
        "symbol keys (`key:` and `:key =>`), `ENV.fetch(\"X\") { \"literal\" }`",
        """\
# frozen_string_literal: true

BITFINEX_CREDENTIALS = {
  api_key: '⟪bitfinex-api-key|url43⟫',
  api_secret: '⟪bitfinex-secret-key|url43⟫'
}.freeze

COINBASE_EXCHANGE = { :key => "⟪coinbase-api-key|hex32⟫", :secret => "⟪coinbase-secret-key|b64_88⟫", :passphrase => "⟪coinbase-passphrase|pass⟫" }.freeze

bybit_key = ENV.fetch("BYBIT_API_KEY") { "⟪bybit-api-key|alnum18⟫" }
bybit_secret = ENV.fetch("BYBIT_API_SECRET") { "⟪bybit-secret-key|alnum36⟫" }
""",
    ),
}

SYNTAX["sql"] = {
    "db/seeds/001_accounts.sql": (
        "`INSERT … (cols) VALUES (…), (…)`: the column names the part, the `exchange` column the venue",
        """\
-- staging accounts, loaded by `make seed`
INSERT INTO exchange_accounts (exchange, label, api_key, api_secret, passphrase) VALUES
  ('okx', 'mm-1', '⟪okx-api-key|uuid⟫', '⟪okx-secret-key|HEX32⟫', '⟪okx-passphrase|pass⟫'),
  ('kucoin', 'arb-2', '⟪kucoin-api-key|hex24⟫', '⟪kucoin-secret-key|uuid⟫', '⟪kucoin-passphrase|pass⟫');

INSERT INTO exchange_accounts (exchange, label, api_key, api_secret) VALUES ('cryptocom', 'otc', '⟪cryptocom-api-key|alnum22⟫', '⟪cryptocom-secret-key|alnum22⟫');
""",
    ),
}

SYNTAX["csv-tsv"] = {
    "data/accounts.csv": (
        "header row with an `exchange` column",
        """\
exchange,label,api_key,api_secret
bybit,hedge,⟪bybit-api-key|alnum18⟫,⟪bybit-secret-key|alnum36⟫
gate,spot-mm,⟪gate-api-key|hex32⟫,⟪gate-secret-key|hex64⟫
""",
    ),
    "data/desks.tsv": (
        "TSV; a non-ASCII cell before the values (Unicode columns)",
        """\
exchange⇥desk⇥access_key⇥secret_key
upbit⇥김치프리미엄⇥⟪upbit-access-key|alnum40⟫⇥⟪upbit-secret-key|alnum40⟫
htx⇥asia⇥⟪htx-api-key|htxkey⟫⇥⟪htx-secret-key|htxkey⟫
""",
    ),
}

SYNTAX["text"] = {
    "docs/RUNBOOK.md": (
        "a Markdown heading naming the venue above a fenced curl with `-H` headers",
        """\
# Runbook

## Bitget

Check the futures account from the jump host:

```sh
curl -s "https://api.bitget.com/api/v2/mix/account/accounts?productType=USDT-FUTURES" \\
  -H "ACCESS-KEY: ⟪bitget-api-key|bgkey⟫" \\
  -H "ACCESS-SIGN: ⟪=b64_44⟫" \\
  -H "ACCESS-TIMESTAMP: 1764590400000" \\
  -H "ACCESS-PASSPHRASE: ⟪bitget-passphrase|pass⟫"
```
""",
    ),
    "requests/account.http": (
        "`.http` request file with a header",
        """\
### Binance: account information
GET https://api.binance.com/api/v3/account?timestamp=1764590400000&signature=⟪=hex64⟫
X-MBX-APIKEY: ⟪binance-api-key|alnum64⟫
Accept: application/json
""",
    ),
    "logs/gateway.log": (
        "a log echoing request headers (`\\r\\n`-separated in a bytes repr)",
        r"""2026-11-02T09:14:03.512Z INFO  gateway started (pid 4121)
2026-11-02T09:14:03.918Z DEBUG send: b'GET /orders HTTP/1.1\r\nHost: api.exchange.coinbase.com\r\nCB-ACCESS-KEY: ⟪coinbase-api-key|hex32⟫\r\nCB-ACCESS-SIGN: ⟪=b64_44⟫\r\nCB-ACCESS-TIMESTAMP: 1762074843\r\nCB-ACCESS-PASSPHRASE: ⟪coinbase-passphrase|pass⟫\r\n\r\n'
2026-11-02T09:14:04.101Z DEBUG send: b'GET /v5/position/list?category=linear HTTP/1.1\r\nHost: api.bybit.com\r\nX-BAPI-API-KEY: ⟪bybit-api-key|alnum18⟫\r\nX-BAPI-SIGN: ⟪=hex64⟫\r\n\r\n'
""",
    ),
    "docs/endpoints.txt": (
        "`https://id:secret@host` and URL query parameters (the `Signature` is not a credential)",
        """\
Deribit account summary (desk 3, basic auth):
https://⟪deribit-client-id|alnum8⟫:⟪deribit-client-secret|url43⟫@www.deribit.com/api/v2/private/get_account_summary?currency=BTC

HTX balance check:
https://api.huobi.pro/v1/account/accounts?AccessKeyId=⟪htx-api-key|htxkey⟫&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-11-02T09%3A14%3A03&Signature=⟪=urlenc:b64_44⟫
""",
    ),
}

SYNTAX["docs-tables"] = {
    "docs/venues/credentials-matrix.md": (
        "a Markdown pipe table: cells bind to their column header; a `Venue` cell names the exchange",
        """\
# Venue credentials matrix

Owner: desk-ops. **Move these to Vault.**

| Venue | Account | API key | Secret | Notes |
|---|---|---|---|---|
| Crypto.com | treasury | `⟪cryptocom-api-key|alnum22⟫` | `⟪cryptocom-secret-key|alnum22⟫` | read + trade |
| OKX | grid | `37c5****-****-****-****-********8418` | see 1Password | masked in the UI |
""",
    ),
    "docs/runbooks/keys.md": (
        "Markdown list items `- name: value` (name in backticks or bold) under a sentence naming the exchange; the name must say it is a key",
        """\
# Signing keys

Gate.io API keys of the market-making account (rotate after the audit):

- `gate-mm-api.key`: ⟪gate-api-key|hex32⟫
- **Secret**: ⟪gate-secret-key|hex64⟫
* Bybit API key: `⟪bybit-api-key|alnum18⟫`
""",
    ),
    "docs/deploy-vars.md": (
        "a `Variable | Value` table: the name cell names the value cell",
        """\
## Deploy variables

| Variable | Value |
| -------- | ----- |
| `BYBIT_API_KEY` | `⟪bybit-api-key|alnum18⟫` |
| `BYBIT_API_SECRET` | `⟪bybit-secret-key|alnum36⟫` |
| `LOG_LEVEL` | `debug` |
""",
    ),
    "docs/source/integration-account.rst": (
        "a reStructuredText field list under a heading naming the venue",
        """\
Deribit integration account
===========================

:Client ID: ⟪deribit-client-id|alnum8⟫
:Client secret: ⟪deribit-client-secret|url43⟫
:Role: trader
""",
    ),
    "confluence/Exchange-Keys.html": (
        "an HTML table (Confluence export): `<th>` names the columns, `<code>` wraps a cell",
        """\
<html><body>
<h1>Exchange keys</h1>
<table class="confluenceTable"><tbody>
<tr><th class="confluenceTh">Venue</th><th class="confluenceTh">Key</th><th class="confluenceTh">Secret</th></tr>
<tr><td class="confluenceTd">Gate</td>
<td class="confluenceTd">⟪gate-api-key|hex32⟫</td>
<td class="confluenceTd"><code>⟪gate-secret-key|hex64⟫</code></td></tr>
<tr><td class="confluenceTd">Binance</td>
<td class="confluenceTd">4yNz…8WNO</td>
<td class="confluenceTd">(Ed25519, no secret)</td></tr>
</tbody></table>
</body></html>
""",
    ),
}

# ---------------------------------------------------------------------------------------------
# Decoys: every item of issue 7's "Precision" list, each beside an exchange name. keylint must
# report no secret in these trees.
# ---------------------------------------------------------------------------------------------

DECOYS = {}

DECOYS["placeholders"] = {
    ".env": (
        "placeholder values under exchange-named variables",
        """\
# copy to .env.local and fill in
OKX_API_KEY=⟪~:your_okx_api_key⟫
OKX_SECRET_KEY=⟪~:<OKX_SECRET_KEY>⟫
OKX_PASSPHRASE=⟪~:changeme⟫
BINANCE_API_KEY=⟪~:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx⟫
BINANCE_API_SECRET=⟪~:REPLACE_ME⟫
BYBIT_API_KEY=⟪~:xxxxxxxxxxxxxxxxxx⟫
BYBIT_API_SECRET=⟪~:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx⟫
KUCOIN_API_KEY=⟪~:⟫
KUCOIN_API_SECRET=⟪~:00000000-0000-0000-0000-000000000000⟫
HTX_ACCESS_KEY=⟪~:e2xxxxxx-99xxxxxx-84xxxxxx-7xxxx⟫
""",
    ),
    "user_data/config.json": (
        "freqtrade's template placeholders",
        """\
{
  "exchange": {
    "name": "okx",
    "key": "⟪~:your_exchange_key⟫",
    "secret": "⟪~:your_exchange_secret⟫",
    "password": "⟪~:your_exchange_api_key_password⟫"
  }
}
""",
    ),
    "values.yaml": (
        "Helm values with empty, TODO and bracketed placeholders",
        """\
kraken:
  apiKey: "⟪~:⟫"
  secret: "⟪~:<set me>⟫"
gemini:
  apiKey: ⟪~:account-XXXXXXXXXXXXXXXXXXXX⟫
  apiSecret: ⟪~:TODO⟫
hyperliquid:
  privateKey: "⟪~:0x0000000000000000000000000000000000000000000000000000000000000000⟫"
bitstamp:
  apiKey: "⟪~:...⟫"
  apiSecret: "⟪~:[REDACTED]⟫"
""",
    ),
    "bot/settings.py": (
        "Python constants holding placeholders",
        """\
BITGET_API_KEY = "⟪~:bg_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx⟫"
BITGET_SECRET_KEY = "⟪~:YOUR_API_SECRET⟫"
BITGET_PASSPHRASE = "⟪~:<passphrase>⟫"
MEXC_API_KEY = "⟪~:mx0vxxxxxxxxxxxxxx⟫"
""",
    ),
}

DECOYS["k8s-placeholders"] = {
    "k8s/okx-secret.yaml": (
        "a Kubernetes Secret whose base64 data decodes to placeholders",
        """\
apiVersion: v1
kind: Secret
metadata:
  name: okx-api
type: Opaque
data:
  OKX_API_KEY: ⟪~:Y2hhbmdlbWU=⟫
  OKX_SECRET_KEY: ⟪~:eW91cl9va3hfc2VjcmV0X2tleQ==⟫
  OKX_PASSPHRASE: ⟪~:UkVQTEFDRV9NRQ==⟫
""",
    ),
}

DECOYS["commands"] = {
    "playbooks/env.yml": (
        "Ansible env lines holding templates, vault lookups and non-credential settings",
        """\
- name: Deribit client id from the vault
  ansible.builtin.lineinfile:
    path: /etc/bots/deribit.env
    line: "DERIBIT_CLIENT_ID={{ vault_deribit_client_id }}"
- name: Deribit client secret from the environment
  ansible.builtin.lineinfile:
    path: /etc/bots/deribit.env
    line: DERIBIT_CLIENT_SECRET=${DERIBIT_CLIENT_SECRET}
- name: Bot settings
  ansible.builtin.lineinfile:
    path: /etc/bots/deribit.env
    line: "DERIBIT_CLIENT_NAME=⟪~letters8⟫"
- name: Kraken endpoint
  ansible.builtin.blockinfile:
    path: /etc/bots/kraken.env
    block: |
      KRAKEN_API_URL=https://api.kraken.com
      KRAKEN_CLIENT_ORDER_PREFIX=⟪~alnum8⟫
""",
    ),
    "scripts/secrets.ps1": (
        "quoted names followed by references, not values",
        """\
dotnet user-secrets set "Okx:ApiKey" "$env:OKX_API_KEY" --project src/Desk
dotnet user-secrets set "Okx:SecretKey" "<paste the secret here>"
Write-Host "Okx:Passphrase" "is set"
""",
    ),
    "scripts/poke.sh": (
        "HTTPie headers carrying variables",
        """\
http GET https://api.bitvavo.com/v2/balance Bitvavo-Access-Key:"$BITVAVO_KEY" Bitvavo-Access-Signature:$SIG
http GET https://api.bitvavo.com/v2/time Bitvavo-Access-Key:${BITVAVO_KEY}
""",
    ),
}

DECOYS["docs-tables"] = {
    "docs/runbooks/setup.md": (
        "Markdown list items naming versions, paths, placeholders and references; a hex value under a name that names no credential",
        """\
# Setup

Gate.io API keys of the market-making account:

- `gate-mm-api.key`: `<your Gate API key>`
- `gate-mm-main`: ⟪~hex32⟫
- **Secret**: ${GATE_API_SECRET}
- Python: 3.11.9-slim
- Config: `/etc/bots/gate-mm/config.json`
- Commit: ⟪~hex40⟫
* Bybit API key: see 1Password (`vault://desk/bybit`)
""",
    ),
    "docs/okx-api.md": (
        "an API reference table of parameter names, types and descriptions",
        """\
## OKX: place order

| Parameter | Type | Required | Description |
|-----------|------|----------|-------------|
| apiKey | String | Yes | Your OKX API key |
| secretKey | String | Yes | The secret that signs requests |
| passphrase | String | Yes | The passphrase you set when creating the key |
| OK-ACCESS-KEY | Header | Yes | `OK-ACCESS-KEY` |
""",
    ),
    "docs/setup.md": (
        "a `Variable | Value` table of placeholders and references",
        """\
| Variable | Value |
|---|---|
| `KRAKEN_API_KEY` | `<your Kraken API key>` |
| `KRAKEN_API_SECRET` | `${{ secrets.KRAKEN_API_SECRET }}` |
| `KRAKEN_OTP` | `your-otp-here` |
""",
    ),
    "docs/source/client.rst": (
        "Sphinx docstring fields (`:param api_key:`) naming parameters, not values",
        """\
Bitstamp client
===============

.. py:class:: BitstampClient(api_key, api_secret)

   :param api_key: your Bitstamp API key
   :param api_secret: the matching secret
   :type api_secret: str
   :API key: <from the Bitstamp settings page>
""",
    ),
    "confluence/keys-template.html": (
        "an HTML table of placeholders and an entity-escaped placeholder",
        """\
<table>
<tr><th>Venue</th><th>API key</th><th>Secret</th></tr>
<tr><td>Gemini</td><td>YOUR_API_KEY</td><td>&lt;redacted&gt;</td></tr>
</table>
""",
    ),
}

DECOYS["other-services"] = {
    "db/seed.sql": (
        "a bcrypt password hash in the statement after an exchange's row",
        """\
INSERT INTO venue_keys SET exchange = 'okx', label = 'paper', access_key = '', secret_key = '';
UPDATE users SET password = '⟪~:$2b$12$Wq8sV3nLx0Rk5TfYh2JmUeOpAbCdEfGhIjKlMnOpQrStUvWxYz012⟫' WHERE id = 1;
""",
    ),
    ".env.keys": (
        "dotenvx decryption keys beside exchange settings",
        """\
# dotenvx: decrypts .env.production (the OKX bot's settings)
DOTENV_PRIVATE_KEY_PRODUCTION="⟪~hex64⟫"
""",
    ),
    "appsettings.json": (
        "an Application Insights connection string after exchange settings",
        """\
{
  "Exchanges": { "Okx": { "ApiKey": "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/okx-api-key/)" } },
  "ApplicationInsights": { "ConnectionString": "InstrumentationKey=⟪~uuid⟫;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/" }
}
""",
    ),
}

DECOYS["passphrase-words"] = {
    "tests/test_clients.py": (
        "passphrase names bound to words, test strings and identifiers",
        """\
from okx.Account import AccountAPI

OKX_PASSPHRASE = "⟪~:testPassphrase⟫"
OK_ACCESS_PASSPHRASE = '⟪~:OK-ACCESS-PASSPHRASE⟫'


def test_kucoin_client_signs():
    kucoin_passphrase = "⟪~:somePassPhrase⟫"
    client = make_kucoin(api_passphrase=⟪~:api_passphrase⟫)
    assert client.passphrase == kucoin_passphrase


def make_kucoin(api_passphrase):
    return KucoinClient(passphrase=api_passphrase)
""",
    ),
    "config/bitget.yaml": (
        "a password word under an exchange block (no key or secret beside it)",
        """\
bitget:
  password: ⟪~:password1234⟫
  passphrase: ⟪~:api_passphrase⟫
coinbase_exchange:
  passphrase: "⟪~:somePassPhrase⟫"
""",
    ),
}

DECOYS["header-names"] = {
    "src/headers.ts": (
        "constants whose values are the exchanges' header names",
        """\
export const OK_ACCESS_KEY = '⟪~:OK-ACCESS-KEY⟫';
export const OK_ACCESS_PASSPHRASE = '⟪~:OK-ACCESS-PASSPHRASE⟫';
export const BINANCE_API_KEY_HEADER = "⟪~:X-MBX-APIKEY⟫";
export const KUCOIN = { apiKey: '⟪~:KC-API-KEY⟫', passphrase: '⟪~:KC-API-PASSPHRASE⟫' };
export const bitvavoAccessKey = '⟪~:Bitvavo-Access-Key⟫';
export const bybitApiKey: string = "⟪~:X-BAPI-API-KEY⟫";
""",
    ),
    "okx_headers.py": (
        "header-name constants in Python",
        """\
OKX_API_KEY = "⟪~:OK-ACCESS-KEY⟫"
OKX_SECRET_KEY = "⟪~:OK-ACCESS-SIGN⟫"
OKX_PASSPHRASE = "⟪~:OK-ACCESS-PASSPHRASE⟫"
CB_ACCESS_KEY = "⟪~:CB-ACCESS-KEY⟫"
""",
    ),
}

DECOYS["non-credential-names"] = {
    "binance_user_stream.py": (
        "Binance `listenKey` (64 alnum, the API key's shape, as in Binance's docs) in code and in a response",
        """\
# Binance user data stream
BINANCE_LISTEN_KEY = "⟪~alnum64⟫"
resp = {"listenKey": "⟪~alnum64⟫"}
ws_url = f"wss://stream.binance.com:9443/ws/{resp['listenKey']}"
""",
    ),
    "signing.md": (
        "request signatures next to the key headers (the keys themselves are references); Binance's\n"
        "hex `signature` has the secret's shape, Kraken's `API-Sign` the private key's",
        """\
## OKX

```sh
curl https://www.okx.com/api/v5/account/balance \\
  -H "OK-ACCESS-KEY: $OKX_API_KEY" \\
  -H "OK-ACCESS-SIGN: ⟪~b64_44⟫" \\
  -H "OK-ACCESS-TIMESTAMP: 2026-11-02T09:14:03.512Z" \\
  -H "OK-ACCESS-PASSPHRASE: $OKX_PASSPHRASE"
```

## Binance

```
GET /api/v3/account?timestamp=1762074843512&signature=⟪~hex64⟫ HTTP/1.1
Host: api.binance.com
X-MBX-APIKEY: $BINANCE_API_KEY
```

## Kraken

```
POST /0/private/Balance HTTP/1.1
Host: api.kraken.com
API-Key: $KRAKEN_API_KEY
API-Sign: ⟪~b64_88⟫
```

## Gate

```
GET /api/v4/spot/accounts HTTP/1.1
Host: api.gateio.ws
KEY: $GATE_API_KEY
Timestamp: 1762074843
SIGN: ⟪~hex128⟫
```
""",
    ),
    "bybit_conditional.py": (
        "parameter names as values; code identifiers as values",
        """\
# Bybit v5 conditional orders
BYBIT_TRIGGER_ABOVE_KEY = "⟪~:triggerDirection⟫"
params = [{"key": "⟪~:triggerDirection⟫", "value": 1}, {"key": "⟪~:triggerBy⟫", "value": "LastPrice"}]


def deribit_auth(client, client_id, client_secret):
    # Deribit public/auth
    return client.call("public/auth", grant_type="client_credentials", client_id=⟪~:client_id⟫, client_secret=⟪~:client_secret⟫)
""",
    ),
    "deribit.postman_collection.json": (
        "field names as values in name/value lists",
        """\
{
  "info": {"name": "Deribit auth"},
  "item": [{
    "name": "public/auth",
    "request": {
      "url": "https://www.deribit.com/api/v2/public/auth",
      "body": {"mode": "urlencoded", "urlencoded": [
        {"key": "⟪~:grant_type⟫", "value": "client_credentials"},
        {"key": "client_id", "value": "⟪~:{{deribit_client_id}}⟫"},
        {"key": "client_secret", "value": "⟪~:{{deribit_client_secret}}⟫"}
      ]}
    }
  }]
}
""",
    ),
}

DECOYS["doc-examples"] = {
    "docs/binance_signing.py": (
        "Binance API docs example keys (exchanges.md §1.2)",
        """\
# Examples from binance-spot-api-docs (rest-api.md, web-socket-api.md, faqs/api_key_types.md)
BINANCE_API_KEY = "⟪~:vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A⟫"
BINANCE_SECRET_KEY = "⟪~:NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j⟫"
BINANCE_RSA_API_KEY = "⟪~:CAvIjXy3F44yW6Pou5k8Dy1swsYDWJZLeoK2r8G4cFDnE9nosRppc2eKc1T8TRTQ⟫"
BINANCE_ED25519_API_KEY = "⟪~:4yNzx3yWC5bS6YTwEkSRaC0nRmSQIIStAUOh1b6kqaBrTLIhjCpI5lJH8q8R8WNO⟫"
binance_sample_hmac_key = "⟪~:Fhs4lGae2qAi6VNjbJjebUAwXrIChb7mlf372UOICMwdKaNdNBGKtfdeUff2TTTT⟫"
binance_sub_account = {"apiKey": "⟪~:k5V49ldtn4tszj6W3hystegdfvmGbqDzjmkCtpTvC0G74WhK7yd4rfCTo4lShf⟫"}
BINANCE_ED25519_PUBLIC_KEY = \"\"\"-----BEGIN PUBLIC KEY-----
⟪~:MCowBQYDK2VwAyEAgmDRTtj2FA+wzJUIlAL9ly1eovjLBu7uXUFR+jFULmg=⟫
-----END PUBLIC KEY-----\"\"\"
""",
    ),
    "docs/okx.md": (
        "OKX docs: the signing example secret and the masked demo key",
        """\
## OKX signing example

```
OK-ACCESS-KEY: ⟪~:37c541a1-****-****-****-10fe7a038418⟫
OKX_SECRET_KEY=⟪~:22582BD0CFF14C41EDBF1AB98506286D⟫
```
""",
    ),
    "config.docs.json": (
        "freqtrade docs/configuration.md example key and secret",
        """\
{
  "exchange": {
    "name": "binance",
    "key": "⟪~:af8ddd35195e9dc500b9a6f799f6f5c93d89193b⟫",
    "secret": "⟪~:08a9dc6db3d7b53e1acebd9275677f4b0a04f1a5⟫"
  }
}
""",
    ),
    "tests/test_kraken_auth.py": (
        "Kraken REST docs signature example private key (addendum)",
        """\
KRAKEN_PRIVATE_KEY = "⟪~:kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==⟫"
""",
    ),
    "tests/bitmex_signature_test.js": (
        "BitMEX docs signature example (addendum)",
        """\
// BitMEX API docs, "Signing requests"
const bitmex = { apiKey: '⟪~:LAqUlngMIQkIUjXMUreyu3qn⟫', apiSecret: '⟪~:chNOOS4KvNXR_Xq4k4c9qsfoKWvnDecLATCRlcBwyKDYnWgO⟫' };
module.exports = bitmex;
""",
    ),
    "docs/kucoin_user.py": (
        "KuCoin docs response examples (addendum)",
        """\
# kucoin-python-sdk kucoin/user/user.py docstrings
kucoin_sub_api_keys = [
    {"apiKey": "⟪~:63032453e75087000182982b⟫", "apiSecret": "⟪~:110f31fc-61c5-4baf-a29f-3f19a62bbf5d⟫"},
    {"apiKey": "⟪~:630325e0e750870001829864⟫"},
    {"apiKey": "⟪~:630329b4e7508700018298c5⟫"},
]
""",
    ),
}

DECOYS["dev-wallets"] = {
    ".env.test": (
        "Hardhat / Anvil default accounts #0-#2 as Hyperliquid keys (addendum)",
        """\
HYPERLIQUID_PRIVATE_KEY=⟪~:0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80⟫
HL_AGENT_KEY=⟪~:59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d⟫
""",
    ),
    "hardhat.config.ts": (
        "the third default account in a config next to a Hyperliquid setting",
        """\
// local fork used by the hyperliquid bridge tests
export default {
  networks: {
    hardhat: {},
    anvil: { url: "http://127.0.0.1:8545", accounts: ["⟪~:0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a⟫"] },
  },
  hyperliquid: { privateKey: "⟪~:0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a⟫" },
};
""",
    ),
}

DECOYS["encrypted"] = {
    "secrets.enc.yaml": (
        "SOPS-encrypted values",
        """\
okx:
    api_key: ⟪~sops:uuid⟫
    secret_key: ⟪~sops:HEX32⟫
    passphrase: ⟪~sops:pass⟫
sops:
    age:
        - recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            ⟪=b64_64⟫
            -----END AGE ENCRYPTED FILE-----
    lastmodified: "2026-10-30T11:02:17Z"
    mac: ⟪=sops:hex64⟫
    version: 3.9.1
""",
    ),
    "k8s/sealed-secret.yaml": (
        "Bitnami SealedSecret `encryptedData`",
        """\
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: binance-credentials
  namespace: trading
spec:
  encryptedData:
    BINANCE_API_KEY: ⟪~sealed⟫
    BINANCE_API_SECRET: ⟪~sealed⟫
""",
    ),
    "group_vars/bots/vault.yml": (
        "an Ansible Vault inline value",
        """\
bybit_api_key: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          ⟪~vault⟫
bybit_api_secret: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          ⟪~vault⟫
""",
    ),
    "group_vars/kraken/vault.yml": (
        "a whole ansible-vault file",
        """\
$ANSIBLE_VAULT;1.1;AES256
⟪~vault⟫
""",
    ),
    "src/main/resources/application-prod.properties": (
        "Jasypt `ENC(…)`",
        """\
bitget.api.key=⟪~jasypt⟫
bitget.api.secret=⟪~jasypt⟫
bitget.api.passphrase=⟪~jasypt⟫
""",
    ),
}

DECOYS["references"] = {
    ".env": (
        "env references and command substitution",
        """\
OKX_API_KEY=⟪~:${OKX_API_KEY}⟫
OKX_SECRET_KEY=⟪~:$(vault kv get -field=secret kv/trading/okx)⟫
BINANCE_API_SECRET=⟪~:$BINANCE_API_SECRET⟫
""",
    ),
    "scripts/run.sh": (
        "shell `${X:-}` without a literal default, `docker run -e X` passthrough",
        """\
#!/bin/sh
BYBIT_API_KEY="⟪~:${BYBIT_API_KEY:-}⟫"
docker run --rm -e KUCOIN_API_KEY -e KUCOIN_API_SECRET="⟪~:$KUCOIN_API_SECRET⟫" ghcr.io/acme/grid-bot:2.3.1
""",
    ),
    "Makefile": (
        "Makefile `$(shell …)` and `$(VAR)` ldflags",
        """\
GATE_API_KEY ?= ⟪~:$(shell pass show trading/gate/api-key)⟫
LDFLAGS := -X main.mexcApiKey=⟪~:$(MEXC_API_KEY)⟫ -X main.mexcSecretKey=⟪~:$(MEXC_SECRET_KEY)⟫
""",
    ),
    "Dockerfile": (
        "`ARG X` forwarded into `ENV X=$X`",
        """\
FROM python:3.12-slim
ARG BITGET_API_KEY
ENV BITGET_API_KEY=⟪~:${BITGET_API_KEY}⟫ BITGET_SECRET_KEY=⟪~:$BITGET_SECRET_KEY⟫
""",
    ),
    "deploy/upbit.service": (
        "systemd credentials and env files",
        """\
[Service]
LoadCredential=upbit-secret:/etc/upbit/secret
EnvironmentFile=/etc/upbit/env
Environment="UPBIT_SECRET_KEY=⟪~:${CREDENTIALS_DIRECTORY}/upbit-secret⟫" "HTX_SECRET_KEY=⟪~:${HTX_SECRET_KEY}⟫"
""",
    ),
    "crontab": (
        "crontab reading a secret file",
        """\
*/5 * * * * BITSTAMP_API_KEY=⟪~:$(cat /run/secrets/bitstamp_key)⟫ /opt/bot/rebalance.sh
""",
    ),
    "config/exchanges.ini": (
        "configparser interpolation",
        """\
[binance]
api_key = ⟪~:%(BINANCE_API_KEY)s⟫
api_secret = ⟪~:${env:BINANCE_API_SECRET}⟫
""",
    ),
    "application.properties": (
        "Spring placeholders",
        """\
bitmex.apiKey=⟪~:${BITMEX_API_KEY}⟫
bitmex.apiSecret=⟪~:${BITMEX_API_SECRET:}⟫
""",
    ),
    ".github/workflows/bot.yml": (
        "GitHub Actions secrets and a Kubernetes `secretKeyRef`",
        """\
jobs:
  smoke:
    runs-on: ubuntu-latest
    env:
      BYBIT_API_KEY: ⟪~:${{ secrets.BYBIT_API_KEY }}⟫
      BYBIT_API_SECRET: ⟪~:${{ secrets.BYBIT_API_SECRET }}⟫
    steps:
      - run: python -m smoke --venue bybit
""",
    ),
    "k8s/deployment.yaml": (
        "Kubernetes `valueFrom.secretKeyRef` and a Helm template",
        """\
env:
  - name: OKX_API_KEY
    valueFrom:
      secretKeyRef: {name: okx-credentials, key: api-key}
  - name: OKX_SECRET_KEY
    value: "⟪~:{{ .Values.okx.secretKey }}⟫"
""",
    ),
    "config/accounts.json": (
        "JSON `${VAR}` references",
        """\
{"exchange": "bitvavo", "apiKey": "⟪~:${BITVAVO_API_KEY}⟫", "apiSecret": "⟪~:${BITVAVO_API_SECRET}⟫"}
""",
    ),
    "config/bot.toml": (
        "TOML secret-manager references",
        """\
[exchanges.bitstamp]
api_key = "⟪~:env:BITSTAMP_API_KEY⟫"
api_secret = "⟪~:vault:kv/trading/bitstamp#secret⟫"
""",
    ),
    "settings.xml": (
        "Maven `${env.X}` and .NET configuration tokens",
        """\
<settings>
  <profiles><profile><id>bybit</id><properties>
    <bybit.api.key>⟪~:${env.BYBIT_API_KEY}⟫</bybit.api.key>
    <bybit.api.secret>⟪~:${env.BYBIT_API_SECRET}⟫</bybit.api.secret>
  </properties></profile></profiles>
</settings>
""",
    ),
    "infra/main.tf": (
        "Terraform variables and a Secrets Manager data source",
        """\
resource "kubernetes_secret" "bitget" {
  data = {
    BITGET_API_KEY    = ⟪~:var.bitget_api_key⟫
    BITGET_SECRET_KEY = ⟪~:data.aws_secretsmanager_secret_version.bitget.secret_string⟫
  }
}
""",
    ),
    "notebooks/explore.ipynb": (
        "a notebook reading the environment",
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "execution_count": 1,
                        "metadata": {},
                        "outputs": [],
                        "source": [
                            "import os, ccxt\n",
                            "exchange = ccxt.binance({\n",
                            '    "apiKey": ⟪~:os.environ["BINANCE_API_KEY"]⟫,\n',
                            '    "secret": ⟪~:os.getenv("BINANCE_API_SECRET")⟫,\n',
                            "})",
                        ],
                    }
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
    ),
    "bot/keys.py": (
        "Python environment, Secrets Manager and keyring reads",
        """\
import os

import boto3
import keyring

KRAKEN_API_KEY = ⟪~:os.environ["KRAKEN_API_KEY"]⟫
KRAKEN_PRIVATE_KEY = ⟪~:os.getenv("KRAKEN_PRIVATE_KEY", "")⟫
kraken_secret = ⟪~:boto3.client("secretsmanager").get_secret_value(SecretId="prod/kraken")["SecretString"]⟫
gate_api_secret = ⟪~:keyring.get_password("gate", "api_secret")⟫
""",
    ),
    "src/config.ts": (
        "`process.env` reads with TypeScript annotations",
        """\
const okxApiKey: string = ⟪~:process.env.OKX_API_KEY!⟫;
const okxSecret: string = ⟪~:process.env.OKX_SECRET_KEY ?? ""⟫;
export const okx = { apiKey: okxApiKey, secret: okxSecret, password: ⟪~:process.env.OKX_PASSPHRASE⟫ };
""",
    ),
    "cmd/bot/main.go": (
        "Go `os.Getenv` and viper",
        """\
package main

import (
⇥"os"

⇥"github.com/spf13/viper"
)

var binanceAPIKey string = ⟪~:os.Getenv("BINANCE_API_KEY")⟫

func secrets() (string, string) {
⇥binanceSecret := ⟪~:viper.GetString("binance.secret")⟫
⇥return binanceAPIKey, binanceSecret
}
""",
    ),
    "src/main.rs": (
        "Rust `std::env::var` and `env!`",
        """\
const DERIBIT_CLIENT_ID: &str = ⟪~:env!("DERIBIT_CLIENT_ID")⟫;

fn deribit_secret() -> String {
    let deribit_client_secret = ⟪~:std::env::var("DERIBIT_CLIENT_SECRET")⟫.expect("DERIBIT_CLIENT_SECRET");
    deribit_client_secret
}
""",
    ),
    "src/main/java/Keys.java": (
        "Java `System.getenv` and a Spring `@Value` placeholder",
        """\
public final class Keys {
    static final String GEMINI_API_SECRET = ⟪~:System.getenv("GEMINI_API_SECRET")⟫;
    @Value("⟪~:${bitstamp.api.secret}⟫")
    private String bitstampApiSecret;
}
""",
    ),
    "src/main/kotlin/HtxKeys.kt": (
        "Kotlin environment read",
        """\
object HtxKeys {
    val htxSecretKey: String = ⟪~:System.getenv("HTX_SECRET_KEY")⟫ ?: error("HTX_SECRET_KEY")
}
""",
    ),
    "src/Bot/Program.cs": (
        "C# environment and configuration reads",
        """\
var binanceKey = ⟪~:Environment.GetEnvironmentVariable("BINANCE_API_KEY")⟫;
var okxSecretKey = ⟪~:builder.Configuration["Okx:SecretKey"]⟫;
options.ApiCredentials = new ApiCredentials(⟪~:binanceKey⟫, ⟪~:config["Binance:ApiSecret"]⟫);
""",
    ),
    "config/exchanges.php": (
        "PHP `getenv`, `$_ENV` with an empty default, `$_SERVER`",
        """\
<?php
define('MEXC_SECRET_KEY', ⟪~:getenv('MEXC_SECRET_KEY')⟫);
$htxAccessKey = $_ENV['HTX_ACCESS_KEY'] ?? ⟪~:''⟫;
$gateSecret = ⟪~:$_SERVER['GATE_API_SECRET']⟫;
""",
    ),
    "config/initializers/exchanges.rb": (
        "Ruby `ENV[]`, `ENV.fetch` without a block, Rails credentials",
        """\
BITFINEX_CREDENTIALS = { api_key: ⟪~:ENV["BITFINEX_API_KEY"]⟫, api_secret: ⟪~:ENV.fetch("BITFINEX_API_SECRET")⟫ }
COINBASE_SECRET = ⟪~:Rails.application.credentials.dig(:coinbase, :api_secret)⟫
""",
    ),
    "db/seed.sql": (
        "SQL reading server settings and psql variables",
        """\
INSERT INTO exchange_accounts (exchange, api_key, api_secret) VALUES ('okx', ⟪~:current_setting('app.okx_api_key')⟫, ⟪~::'okx_secret'⟫);
""",
    ),
    "data/accounts.csv": (
        "secret-manager references in a CSV",
        """\
exchange,api_key,api_secret
bybit,⟪~:env:BYBIT_API_KEY⟫,⟪~:vault:kv/trading/bybit#secret⟫
""",
    ),
    "docs/requests.http": (
        "`.http` variables and shell variables in curl and URLs",
        """\
### OKX balance
GET https://www.okx.com/api/v5/account/balance
OK-ACCESS-KEY: ⟪~:{{okx_api_key}}⟫
OK-ACCESS-PASSPHRASE: ⟪~:{{okx_passphrase}}⟫
""",
    ),
    "docs/README.md": (
        "shell variables in Markdown code",
        """\
## Binance

```sh
curl -H "X-MBX-APIKEY: ⟪~:$BINANCE_API_KEY⟫" https://api.binance.com/api/v3/account
curl "https://⟪~:$DERIBIT_CLIENT_ID⟫:⟪~:$DERIBIT_CLIENT_SECRET⟫@www.deribit.com/api/v2/private/get_account_summary?currency=BTC"
```
""",
    ),
}

DECOYS["masked"] = {
    "logs/bot.log": (
        "masked keys in logs",
        """\
2026-11-02T09:14:03Z INFO okx: loaded credentials api_key=⟪~maskstar:uuid⟫ passphrase=******
2026-11-02T09:14:03Z INFO binance: X-MBX-APIKEY=⟪~maskell:alnum64⟫
2026-11-02T09:14:04Z INFO kucoin: api_secret=⟪~maskstar:uuid⟫
""",
    ),
    "config/keys.masked.json": (
        "a masked export",
        """\
{"exchange": "gate", "apiKey": "⟪~maskstar:hex32⟫", "apiSecret": "⟪~:****************************************************************⟫"}
""",
    ),
    ".env.redacted": (
        "masked `.env`",
        """\
BITVAVO_API_KEY=⟪~maskell:hex64⟫
BITVAVO_API_SECRET=⟪~:***⟫
""",
    ),
}

DECOYS["ids-hashes-addresses"] = {
    "orders.json": (
        "UUID order ids from KuCoin and OKX (same shape as a KuCoin secret / OKX key)",
        """\
{"exchange": "kucoin", "clientOid": "⟪~uuid⟫", "orderId": "⟪~hex24⟫", "symbol": "BTC-USDT"}
{"exchange": "okx", "clOrdId": "⟪~hex32⟫", "ordId": "⟪~:1988272318376587264⟫", "reqId": "⟪~uuid⟫"}
""",
    ),
    "okx_order.py": (
        "ids bound to exchange-named variables",
        """\
okx_order_id = "⟪~uuid⟫"
kucoin_request_id = "⟪~uuid⟫"
binance_trace_id = "⟪~uuid⟫"
""",
    ),
    "Dockerfile": (
        "checksums and commit ids next to exchange tools (hex64 = Gate/Bitget secret shape)",
        """\
FROM debian:12-slim
ARG GATE_CLI_SHA256=⟪~hex64⟫
ARG BITGET_SDK_COMMIT=⟪~hex40⟫
ARG GATE_API_DOC_MD5=⟪~hex32⟫
RUN echo "${GATE_CLI_SHA256}  /tmp/gate-cli.tar.gz" | sha256sum -c -
""",
    ),
    "package-lock.json": (
        "lockfile integrity hashes of exchange SDKs",
        """\
{
  "packages": {
    "node_modules/bybit-api": {
      "version": "4.1.2",
      "resolved": "https://registry.npmjs.org/bybit-api/-/bybit-api-4.1.2.tgz",
      "integrity": "sha512-⟪~b64_88⟫"
    },
    "node_modules/okx-api": {
      "version": "2.0.5",
      "integrity": "sha1-⟪~b64_28⟫"
    }
  }
}
""",
    ),
    "wallets.env": (
        "Hyperliquid public addresses, a vault address and a transaction hash",
        """\
HYPERLIQUID_ACCOUNT_ADDRESS=⟪~0xhex40⟫
HYPERLIQUID_VAULT_ADDRESS=⟪~0xhex40⟫
HYPERLIQUID_DEPOSIT_TX_HASH=⟪~0xhex64⟫
""",
    ),
    "hl_config.json": (
        "ccxt `walletAddress` beside a reference to the key",
        """\
{"exchange": {"name": "hyperliquid", "walletAddress": "⟪~0xhex40⟫", "privateKey": "${HL_PRIVATE_KEY}", "txHash": "⟪~0xhex64⟫"}}
""",
    ),
}


# ---------------------------------------------------------------------------------------------


def rust_ident(family):
    return re.sub(r"[^A-Za-z0-9]", "_", family).upper()


def render_all():
    families = {}
    for family, files in SYNTAX.items():
        rows, planted = [], 0
        rendered = {}
        values = {}
        for path, (note, template) in files.items():
            text, expected, decoys = render(template, values)
            assert decoys == 0, (family, path)
            rendered[path] = text
            for line, column, rule in expected:
                rows.append((path, line, column, rule, rule.split("-", 1)[0], note))
            planted += len(expected)
        families[family] = (rendered, rows)
    decoys = {}
    for category, files in DECOYS.items():
        rendered, count = {}, 0
        values = {}
        for path, (note, template) in files.items():
            text, expected, n = render(template, values)
            assert not expected, (category, path)
            rendered[path] = text
            count += n
        decoys[category] = (rendered, count)
    return families, decoys


def table(families, decoys):
    lines = [
        "// @generated-begin by tests/gen_syntax_fixtures.py: re-run it instead of editing by hand.",
    ]
    for family, (_, rows) in families.items():
        lines.append(f"/// fixtures/syntax/{family}: {len(rows)} planted values")
        lines.append(f"const {rust_ident(family)}: &[Expected] = &[")
        last_path = None
        for path, line, column, rule, exchange, note in rows:
            if path != last_path:
                lines.append(f"    // {path}: {note}")
                last_path = path
            lines.append(f'    ("{path}", {line}, {column}, "{rule}", "{exchange}"),')
        lines.append("];")
        lines.append("")
    lines.append("const FAMILIES: &[(&str, &[Expected])] = &[")
    for family in families:
        lines.append(f'    ("{family}", {rust_ident(family)}),')
    lines.append("];")
    lines.append("")
    lines.append("/// fixtures/decoys/<category>: (category, number of decoy values)")
    lines.append("const DECOYS: &[(&str, usize)] = &[")
    for category, (_, count) in decoys.items():
        lines.append(f'    ("{category}", {count}),')
    lines.append("];")
    lines.append("")
    for family in families:
        fn = re.sub(r"[^a-z0-9]", "_", family)
        lines.append(f"#[test]\nfn syntax_{fn}() {{\n    check_family(\"{family}\", {rust_ident(family)});\n}}\n")
    for category in decoys:
        fn = re.sub(r"[^a-z0-9]", "_", category)
        lines.append(f"#[test]\nfn decoys_{fn}() {{\n    check_decoys(\"{category}\");\n}}\n")
    lines.append("// @generated-end")
    return "\n".join(lines)


def write_tree(base, rendered):
    if base.exists():
        shutil.rmtree(base)
    for path, text in rendered.items():
        target = base / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def main(argv):
    families, decoys = render_all()
    block = table(families, decoys)
    if argv[:1] == ["--print"]:
        print(block)
    else:
        for family, (rendered, _) in families.items():
            write_tree(SYNTAX_OUT / family, rendered)
        for category, (rendered, _) in decoys.items():
            write_tree(DECOY_OUT / category, rendered)
        src = RUST.read_text(encoding="utf-8")
        start = src.index("// @generated-begin")
        end = src.index("// @generated-end") + len("// @generated-end")
        RUST.write_text(src[:start] + block + src[end:], encoding="utf-8")
    total_p = sum(len(rows) for _, rows in families.values())
    total_d = sum(c for _, c in decoys.values())
    for family, (_, rows) in families.items():
        print(f"syntax/{family}: {len(rows)} planted", file=sys.stderr)
    for category, (_, count) in decoys.items():
        print(f"decoys/{category}: {count} decoys", file=sys.stderr)
    print(f"total: {total_p} planted, {total_d} decoys", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
