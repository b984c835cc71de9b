import ccxt from 'ccxt';

// Cross-venue arbitrage: Bitget perps against the Hyperliquid book.
export const bitget = new ccxt.bitget({
  apiKey: '@bgkey#ts@',
  secret: '@hex64#ts@',
  password: '@pass14#ts@',
});

export const hyperliquid = new ccxt.hyperliquid({
  walletAddress: '@0xhex40#hl@',
  privateKey: '@0xhex64#hl@',
});

export const binance = new ccxt.binance({
  apiKey: process.env.BINANCE_API_KEY,
  secret: process.env.BINANCE_API_SECRET,
});
