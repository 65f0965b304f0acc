// Deploys the BlockGuardian Ignition module to the network given with --network (a local
// `hardhat node` by default: `npm run deploy:local`) and writes deployments/<chainId>.json,
// which the server's chain indexer and the web app read. Re-running against a chain that
// already has the recorded contracts does nothing (DEPLOY_FORCE=1 deploys again).
// Environment: CHAIN_RPC_URL (default http://127.0.0.1:8545), DEPLOYMENTS_DIR (default
// contracts/deployments), DEPLOY_FORCE.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import BlockGuardian from "../ignition/modules/BlockGuardian.js";
import { LOT_SIZES, MIN_LOTS } from "../ignition/modules/OrderBookDEX.js";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { viem, ignition, networkName } = await network.create();
const publicClient = await viem.getPublicClient();
const chainId = await publicClient.getChainId();
// DEPLOYMENTS_DIR lets a test write its throw-away deployment elsewhere.
const file = path.join(process.env.DEPLOYMENTS_DIR ?? path.join(root, "deployments"), `${chainId}.json`);

if (fs.existsSync(file) && !process.env.DEPLOY_FORCE) {
  const recorded = JSON.parse(fs.readFileSync(file, "utf8"));
  // Every recorded contract, not just the DEX: a node deployed to before a contract was added
  // (the AuditAnchor) would otherwise keep a file naming an address with no code.
  const codes = await Promise.all(Object.values(recorded.contracts as Record<string, `0x${string}`>).map((address) => publicClient.getCode({ address })));
  if (codes.every((code) => code && code !== "0x")) {
    console.log(`BlockGuardian contracts already on chain ${chainId} (${file}); nothing to do.`);
    process.exit(0);
  }
}

// A fresh `hardhat node` forgets everything on restart, so Ignition's journal for it would be
// stale: start each local deployment from a clean journal.
const deploymentId = `blockguardian-${chainId}`;
if (chainId === 31337) fs.rmSync(path.join(root, "ignition", "deployments", deploymentId), { recursive: true, force: true });

const deploymentBlock = (await publicClient.getBlockNumber()) + 1n;
const deployed = await ignition.deploy(BlockGuardian, { deploymentId, displayUi: false });
const { usd, gold, bill, dex, vault, strategy, source, auditAnchor } = deployed;

const token = async (contract: typeof usd) => ({
  address: contract.address,
  symbol: await contract.read.symbol(),
  name: await contract.read.name(),
  decimals: await contract.read.decimals(),
});
const pairs = [];
for (const [symbol, base] of [["TGLD", gold], ["TBILL", bill]] as const) {
  const lotSize = LOT_SIZES[symbol];
  pairs.push({ pairId: await dex.read.pairIdOf([base.address, usd.address, lotSize]), symbol, base: base.address, quote: usd.address, lotSize: lotSize.toString(), minLots: MIN_LOTS[symbol].toString() });
}

const record = {
  chainId,
  network: networkName,
  deploymentBlock: Number(deploymentBlock),
  contracts: { OrderBookDEX: dex.address, StrategyVault: vault.address, FixedRateStrategy: strategy.address, FixedRateYieldSource: source.address, AuditAnchor: auditAnchor.address },
  tokens: { dUSD: await token(usd), TGLD: await token(gold), TBILL: await token(bill) },
  pairs,
};
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
console.log(`Deployed BlockGuardian to chain ${chainId} from block ${deploymentBlock}; wrote ${path.relative(process.cwd(), file)}`);
