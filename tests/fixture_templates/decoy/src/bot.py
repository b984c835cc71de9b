import os

import ccxt

okx = ccxt.okx({
    "apiKey": os.environ["OKX_API_KEY"],
    "secret": os.environ["OKX_SECRET_KEY"],
    "password": os.getenv("OKX_PASSPHRASE"),
})

kraken = ccxt.kraken({"apiKey": os.environ.get("KRAKEN_API_KEY"), "secret": settings.KRAKEN_PRIVATE_KEY})

REQUEST_ID = "@uuid#req@"
BUILD_SHA = "@hex40#sha@"
