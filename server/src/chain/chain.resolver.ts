import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../app/context";
import { LinkWalletInput, Wallet, WalletChallenge } from "./chain.types";
import { rows } from "../infra/graphql/rows";
import { MAX_WALLETS_PER_USER } from "./wallet.service";

/** Wallet linking. Signed-in users only (no API keys): linking changes what the account owns. */
@Resolver()
export class ChainResolver {
  @Authorized()
  @Query(() => [Wallet], { description: "The caller's linked wallets with their last read token balances.", complexity: rows(MAX_WALLETS_PER_USER) })
  wallets(@Ctx() ctx: Context): Promise<Wallet[]> {
    return ctx.services.wallets.list(ctx.session);
  }

  @Authorized()
  @Mutation(() => WalletChallenge, { description: "A message for the wallet to sign; valid for one linkWallet attempt within 10 minutes." })
  walletChallenge(@Arg("address") address: string, @Ctx() ctx: Context): Promise<WalletChallenge> {
    return ctx.services.wallets.challenge(ctx.session, address);
  }

  @Authorized()
  @Mutation(() => Wallet, { description: "Links the wallet that signed the latest challenge; its token balances then count in the portfolio." })
  linkWallet(@Arg("input", () => LinkWalletInput) input: LinkWalletInput, @Ctx() ctx: Context): Promise<Wallet> {
    return ctx.services.wallets.link(ctx.session, input);
  }

  @Authorized()
  @Mutation(() => Boolean)
  unlinkWallet(@Arg("address") address: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.wallets.unlink(ctx.session, address);
  }
}
