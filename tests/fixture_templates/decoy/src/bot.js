const ccxt = require('ccxt');

const binance = new ccxt.binance({
  apiKey: process.env.BINANCE_API_KEY,
  secret: process.env.BINANCE_API_SECRET,
});

const okx = new ccxt.okx({ apiKey: config.okx.apiKey, secret: config.okx.secret, password: config.okx.passphrase });

// What ccxt itself declares for OKX: these are flags, not values.
const requiredCredentials = { apiKey: true, secret: true, password: true };

module.exports = { binance, okx, requiredCredentials };
