"""TWAP execution on Gemini for the treasury rebalancer."""

GEMINI_KEY = "@gemini#gm@"
GEMINI_SECRET = "@alnum28#gm@"
SLICES = 12
