# The HMAC example from the Binance API docs (rest-api.md). These are Binance's published
# example credentials, not a real key.
from binance.spot import Spot

client = Spot(
    api_key="vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
    api_secret="NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
)
