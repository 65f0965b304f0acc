export { ChainResolver } from "./chain.resolver";
export { openChain, type ChainRuntime } from "./chain-runtime";
export { WalletService } from "./wallet.service";
export { Wallet, WalletBalance, WalletChallenge } from "./chain.types";
