import os

import ccxt

okx = ccxt.okx({
    "apiKey": os.environ["OKX_API_KEY"],
    "secret": os.environ["OKX_SECRET_KEY"],
    "password": os.environ["OKX_PASSPHRASE"],
})
print(okx.fetch_balance()["USDT"])
