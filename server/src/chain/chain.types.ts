import { Field, ID, InputType, ObjectType } from "type-graphql";
import { DateTimeScalar, DecimalScalar } from "../infra/graphql/scalars";
import { byInstruments, rows } from "../infra/graphql/rows";

@ObjectType({ description: "A message to sign with the wallet (EIP-4361, \"Sign-In with Ethereum\"), once, before it expires." })
export class WalletChallenge {
  @Field()
  address!: string;

  @Field({ description: "Sign exactly this text (personal_sign)." })
  message!: string;

  @Field()
  nonce!: string;

  @Field(() => DateTimeScalar)
  expiresAt!: Date;
}

@ObjectType({ description: "A token balance of a linked wallet at a block." })
export class WalletBalance {
  @Field({ description: "The instrument the token represents." })
  symbol!: string;

  @Field(() => DecimalScalar, { description: "Whole tokens, rounded down to 10 places." })
  quantity!: string;

  @Field({ description: "The block the balance was read at." })
  blockNumber!: string;
}

@ObjectType({ description: "A wallet the caller proved they control; its token balances count in one of their portfolios." })
export class Wallet {
  @Field({ description: "EIP-55 checksummed." })
  address!: string;

  @Field(() => ID)
  portfolioId!: string;

  @Field(() => DateTimeScalar)
  linkedAt!: Date;

  @Field(() => [WalletBalance], { complexity: rows(byInstruments) })
  balances!: WalletBalance[];
}

@InputType()
export class LinkWalletInput {
  @Field()
  address!: string;

  @Field({ description: "The wallet's signature of the challenge message, 0x-prefixed hex." })
  signature!: string;

  @Field(() => ID, { description: "The portfolio whose positions show the wallet's balances." })
  portfolioId!: string;
}
