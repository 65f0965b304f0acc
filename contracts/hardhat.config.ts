import { createRequire } from "node:module";
import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import hardhatViemAssertions from "@nomicfoundation/hardhat-viem-assertions";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/**
 * Compiles offline: solc-js from the `solc` npm package, so Hardhat downloads no compiler
 * (this machine reaches only the npm registry). The version must be the package's own;
 * Hardhat accepts a mismatched one silently (../shared/TOOLCHAIN.md).
 */
const solcVersion: string = require("solc/package.json").version;

export default defineConfig({
  plugins: [hardhatMocha, hardhatViem, hardhatViemAssertions, hardhatNetworkHelpers, hardhatIgnitionViem],
  solidity: {
    version: solcVersion,
    path: require.resolve("solc/soljson.js"),
    settings: {
      // Hardhat's default EVM table stops before solc 0.8.37: name the target explicitly.
      evmVersion: "osaka",
      optimizer: { enabled: true, runs: 200 },
      // The order book's matching loop keeps more live values than the legacy code generator's
      // 16 stack slots reach; the IR pipeline schedules them (as Uniswap v4-core compiles).
      viaIR: true,
    },
  },
  networks: {
    // `hardhat node`, or whichever node CHAIN_RPC_URL names (a test's node on its own port):
    // scripts/deploy.ts deploys there with `--network localhost`.
    localhost: { type: "http", chainType: "l1", url: process.env.CHAIN_RPC_URL ?? "http://127.0.0.1:8545" },
  },
  paths: {
    tests: { mocha: "test" },
  },
});
