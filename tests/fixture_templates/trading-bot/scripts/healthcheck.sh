#!/bin/sh
# Pings the internal balance proxy; fails the container health check when Kraken is unreachable.
set -eu
curl -fsS "http://balance-proxy.trading.svc:8080/kraken/balance?kraken_api_key=@urlenc:b64_56x#url@&timeout=5" >/dev/null
