"""What pre-commit installs for the `keylint` hook (`language: python`): an empty placeholder
whose only job is to depend on the keylint wheel of this repository's version, so the hook
gets the prebuilt binary from PyPI and needs no Rust toolchain (the way typos ships its hook).
The wheel itself is built from python/pyproject.toml (maturin, `bindings = "bin"`)."""

import re
from pathlib import Path

from setuptools import setup

CARGO_TOML = Path(__file__).resolve().with_name("Cargo.toml").read_text(encoding="utf-8")
VERSION = re.search(r'^version = "([^"]+)"$', CARGO_TOML, re.MULTILINE).group(1)

setup(
    name="keylint-pre-commit-placeholder",
    version=VERSION,
    install_requires=[f"keylint=={VERSION}"],
    packages=[],
    py_modules=[],
)
