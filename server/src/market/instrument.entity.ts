import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from "typeorm";
import { DecimalScalar } from "../infra/graphql/scalars";

export enum AssetClass {
  EQUITY = "EQUITY",
  CRYPTO = "CRYPTO",
  TOKENIZED = "TOKENIZED",
}

registerEnumType(AssetClass, { name: "AssetClass" });

@ObjectType({ description: "A tradable instrument. Prices must sit on `tickSize`, quantities on `lotSize`." })
@Entity({ name: "instruments" })
export class Instrument {
  @Field()
  @PrimaryColumn({ type: "varchar", length: 20 })
  symbol!: string;

  @Field()
  @Column({ type: "varchar", length: 255 })
  name!: string;

  @Field(() => AssetClass)
  @Column({ name: "asset_class", type: "varchar", length: 16 })
  assetClass!: AssetClass;

  @Field()
  @Column({ type: "char", length: 3 })
  currency!: string;

  @Field(() => DecimalScalar)
  @Column({ name: "tick_size", type: "numeric", precision: 30, scale: 10 })
  tickSize!: string;

  @Field(() => DecimalScalar)
  @Column({ name: "lot_size", type: "numeric", precision: 30, scale: 10 })
  lotSize!: string;

  /** The price at the last flush; GraphQL's lastPrice reads the live one from market data. */
  @Column({ name: "last_price", type: "numeric", precision: 30, scale: 10, nullable: true })
  lastPrice!: string | null;

  @Column({ type: "numeric", precision: 6, scale: 4 })
  volatility!: string;

  @Field({ description: "False while trading in the instrument is halted." })
  @Column({ name: "is_tradable", type: "boolean" })
  isTradable!: boolean;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ name: "updated_at", type: "timestamptz" })
  updatedAt!: Date;
}
