"""Watches the KRW premium between Upbit and Bitstamp."""
import ccxt

UPBIT_ACCESS_KEY = "@alnum40#up@"
UPBIT_SECRET_KEY = "@alnum40#upsec@"

bitstamp = ccxt.bitstamp({
    'apiKey': '@alnum32#bs@',
    'secret': '@alnum32#bssec@',
    'uid': '102938',
})
