"""Spot grid bot: keeps a ladder of limit orders on Kraken, hedges on Bybit."""
import os

import ccxt

DEFAULT_PAIR = "BTC/USD"  # keylint:allow kraken-api-key -- key moved to vault in 2026-03

exchange = ccxt.kraken({
    "apiKey": "@b64_56#kr@",
    "secret": "@b64_88#kr@",
    "enableRateLimit": True,
})

hedge = ccxt.bybit({
    "apiKey": os.environ["BYBIT_API_KEY"],
    "secret": os.environ["BYBIT_API_SECRET"],
})

# Testnet account used by the integration job.
testnet = ccxt.bybit({
    "apiKey": "@alnum18#bytest@",
    "secret": "@alnum36#bytest@",  # keylint:allow bybit-secret-key -- testnet key, no funds
    "options": {"defaultType": "spot"},
})
testnet.set_sandbox_mode(True)


def ladder(pair=DEFAULT_PAIR, steps=5, spacing=0.002):
    mid = exchange.fetch_ticker(pair)["last"]
    return [round(mid * (1 - spacing * i), 1) for i in range(1, steps + 1)]
