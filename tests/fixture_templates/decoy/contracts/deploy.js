// Deploys the vault contract; the deployer key comes from the environment.
const deployer = '@0xhex40#dep@';
const lastDeployTx = '@0xhex64#tx@';
const signerKey = process.env.DEPLOYER_PRIVATE_KEY;
module.exports = { deployer, lastDeployTx, signerKey };
