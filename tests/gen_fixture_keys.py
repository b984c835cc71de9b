#!/usr/bin/env python3
"""Render fixture templates into fixture trees with freshly generated, synthetic key material.

Every secret in fixtures/ is random and made by this script; none is a real key and none is a
public documentation example. Templates live in tests/fixture_templates/<tree>/ and hold tokens
`@KIND#N@`: the same token always renders to the same value within one run, so a key id and its
secret (or a value and its base64 form) stay consistent across the files of a tree. Every KIND
has a fixed length, so re-rendering changes the values but never a line or column, and the
exact positions asserted by tests/scan_fixtures.rs stay valid.

    python3 tests/gen_fixture_keys.py                 # render all trees into fixtures/
    python3 tests/gen_fixture_keys.py --print KIND    # print one value, e.g. --print HEX32

Kinds (`N` is any tag): uuid, hex24, hex32, HEX32, hex40, hex64, hex128, 0xhex64, alnumLEN
(e.g. alnum64), urlLEN ([A-Za-z0-9_-], e.g. url43), b64_56, b64_88 (64 random bytes, base64),
b64_56x / b64_88x (base64 with exactly one `/` and one `+`), pass14 (passphrase),
bgkey (Bitget `bg_` key), htxkey (HTX 8-8-8-5 key), mx0v (MEXC key), gemini (Gemini `account-` key), cdpname (Coinbase CDP key
name), ecpem / ecpem_json (EC P-256 SEC1 PEM, raw or JSON-escaped), ed25519pem_json (PKCS#8),
rsapem (RSA 2048 PKCS#8), b64of:OTHER (base64 of the value of token OTHER, for Kubernetes
`data:`), body:OTHER (base64 body of a PEM token), urlenc:OTHER (percent-encoded value of OTHER), jsonslash:OTHER (OTHER with `/`
written as `\\/`), hexks (hex of a fake hummingbot V3 keystore JSON, i.e. an encrypted value).
"""

import base64
import json
import os
import re
import secrets
import string
import sys
import urllib.parse
import uuid
from pathlib import Path

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "_-"
LOWER_ALNUM = string.ascii_lowercase + string.digits
# Passphrases: letters, digits and symbols that need no quoting in .env / YAML / shell.
PASS_CHARS = ALNUM + "!@%^*_-+."

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "tests" / "fixture_templates"
OUT = ROOT / "fixtures"
TOKEN = re.compile(r"@([A-Za-z0-9_:]+)#([A-Za-z0-9_]+)@")


def rand(chars, n):
    return "".join(secrets.choice(chars) for _ in range(n))


def not_sequential(gen):
    """Retry until the value has no run of 4 repeated characters (keeps it off _ignore lists)."""
    while True:
        v = gen()
        if not re.search(r"(.)\1\1\1", v):
            return v


def b64_with_one_slash_and_plus(nbytes):
    while True:
        v = base64.b64encode(secrets.token_bytes(nbytes)).decode()
        if v.count("/") == 1 and v.count("+") == 1 and not re.search(r"(.)\1\1\1", v):
            return v


def pem(private_key, fmt):
    from cryptography.hazmat.primitives import serialization as s

    return private_key.private_bytes(s.Encoding.PEM, fmt, s.NoEncryption()).decode()


def ec_pem():
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives import serialization as s

    return pem(ec.generate_private_key(ec.SECP256R1()), s.PrivateFormat.TraditionalOpenSSL)


def ed25519_pem():
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.hazmat.primitives import serialization as s

    return pem(ed25519.Ed25519PrivateKey.generate(), s.PrivateFormat.PKCS8)


def rsa_pem():
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives import serialization as s

    return pem(rsa.generate_private_key(public_exponent=65537, key_size=2048), s.PrivateFormat.PKCS8)


def keystore_hex():
    """Hex of a V3-keystore-shaped JSON as hummingbot writes encrypted connector values."""
    ks = {
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": {"iv": secrets.token_hex(16)},
            "ciphertext": secrets.token_hex(64),
            "kdf": "pbkdf2",
            "kdfparams": {"c": 1000000, "dklen": 32, "prf": "hmac-sha256", "salt": secrets.token_hex(16)},
            "mac": secrets.token_hex(32),
        },
        "version": 3,
        "alias": "",
    }
    return json.dumps(ks, separators=(",", ":")).encode().hex()


def generate(kind, values, tag):
    m = re.fullmatch(r"(alnum|url)(\d+)", kind)
    if m:
        chars = ALNUM if m.group(1) == "alnum" else URLSAFE
        return not_sequential(lambda: rand(chars, int(m.group(2))))
    if ":" in kind:
        op, other = kind.split(":", 1)
        src = values[(other, tag)] if (other, tag) in values else value_of(other, tag, values)
        if op == "b64of":
            return base64.b64encode(src.encode()).decode()
        if op == "urlenc":
            return urllib.parse.quote(src, safe="")
        if op == "jsonslash":
            return src.replace("/", "\\/")
        if op == "body":  # the base64 body of a PEM (raw or JSON-escaped), without BEGIN/END lines
            sep = "\\n" if "\\n" in src else "\n"
            return sep.join(l for l in src.split(sep) if l and not l.startswith("-----"))
        raise SystemExit(f"unknown transform {op}")
    simple = {
        "uuid": lambda: str(uuid.uuid4()),
        "hex24": lambda: secrets.token_hex(12),
        "hex32": lambda: secrets.token_hex(16),
        "HEX32": lambda: secrets.token_hex(16).upper(),
        "hex40": lambda: secrets.token_hex(20),
        "hex64": lambda: secrets.token_hex(32),
        "hex128": lambda: secrets.token_hex(64),
        "0xhex64": lambda: "0x" + secrets.token_hex(32),
        "0xhex40": lambda: "0x" + secrets.token_hex(20),
        "b64_56": lambda: not_sequential(lambda: base64.b64encode(secrets.token_bytes(42)).decode()),
        "b64_88": lambda: not_sequential(lambda: base64.b64encode(secrets.token_bytes(64)).decode()),
        "pass14": lambda: not_sequential(lambda: rand(PASS_CHARS, 14)),
        "bgkey": lambda: "bg_" + secrets.token_hex(16),
        # base64 with exactly one `/` and one `+`: its JSON- and URL-escaped forms have a fixed length
        "b64_56x": lambda: b64_with_one_slash_and_plus(42),
        "b64_88x": lambda: b64_with_one_slash_and_plus(64),
        "htxkey": lambda: "-".join(not_sequential(lambda: rand(LOWER_ALNUM, n)) for n in (8, 8, 8, 5)),
        "mx0v": lambda: "mx0vgl" + not_sequential(lambda: rand(ALNUM, 12)),
        "gemini": lambda: "account-" + not_sequential(lambda: rand(ALNUM, 20)),
        "cdpname": lambda: f"organizations/{uuid.uuid4()}/apiKeys/{uuid.uuid4()}",
        "ecpem": ec_pem,
        "rsapem": rsa_pem,
        "ed25519pem": ed25519_pem,
        "hexks": keystore_hex,
    }
    if kind.endswith("_json"):
        return value_of(kind[: -len("_json")], tag, values).replace("\n", "\\n")
    if kind not in simple:
        raise SystemExit(f"unknown kind {kind}")
    return simple[kind]()


def value_of(kind, tag, values):
    key = (kind, tag)
    if key not in values:
        values[key] = generate(kind, values, tag)
    return values[key]


def render(text, values):
    return TOKEN.sub(lambda m: value_of(m.group(1), m.group(2), values), text)


def render_tree(src, dst, values):
    for path in sorted(src.rglob("*")):
        if path.is_dir():
            continue
        rel = path.relative_to(src)
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(path.read_text(), values))


def main(argv):
    if len(argv) >= 2 and argv[0] == "--print":
        print(value_of(argv[1], "0", {}))
        return
    if len(argv) == 2:  # render one file or directory: SRC DST
        src, dst = Path(argv[0]), Path(argv[1])
        if src.is_dir():
            render_tree(src, dst, {})
        else:
            dst.write_text(render(src.read_text(), {}))
        return
    for tree in sorted(p for p in TEMPLATES.iterdir() if p.is_dir()):
        render_tree(tree, OUT / tree.name, {})  # fresh values per tree


if __name__ == "__main__":
    main(sys.argv[1:])
