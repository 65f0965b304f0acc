import { Field, ID, InputType, ObjectType } from "type-graphql";
import { Role } from "../infra/auth";
import { DateTimeScalar } from "../infra/graphql/scalars";
import type { ApiKeyRow } from "./credential.entities";
import { AmlRiskLevel, KycStatus } from "./user-status";
import type { User } from "./user.entity";

/** What a user may see of an account. Built field by field from the row: secrets cannot leak by accident. */
@ObjectType("User")
export class UserView {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field()
  firstName!: string;

  @Field()
  lastName!: string;

  @Field(() => String, { nullable: true })
  country!: string | null;

  @Field(() => [Role])
  roles!: Role[];

  @Field(() => KycStatus)
  kycStatus!: KycStatus;

  /** Shown through UserViewResolver.amlRiskLevel, to compliance staff only. */
  amlRiskLevel!: AmlRiskLevel;

  @Field()
  mfaEnabled!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  static from(user: User): UserView {
    const { id, email, firstName, lastName, country, roles, kycStatus, amlRiskLevel, mfaEnabled, createdAt } = user;
    return Object.assign(new UserView(), { id, email, firstName, lastName, country, roles, kycStatus, amlRiskLevel, mfaEnabled, createdAt });
  }
}

@ObjectType()
export class AuthPayload {
  @Field()
  accessToken!: string;

  @Field()
  refreshToken!: string;

  @Field(() => DateTimeScalar)
  accessTokenExpiresAt!: Date;

  @Field(() => UserView)
  user!: UserView;
}

@ObjectType({ description: "Login either completes (auth set) or asks for a second factor (mfaRequired, mfaChallenge set)." })
export class LoginResult {
  @Field()
  mfaRequired!: boolean;

  @Field(() => String, { nullable: true })
  mfaChallenge!: string | null;

  @Field(() => AuthPayload, { nullable: true })
  auth!: AuthPayload | null;
}

@ObjectType()
export class MfaSetup {
  @Field()
  secret!: string;

  @Field()
  otpauthUrl!: string;

  @Field()
  qrCodeDataUrl!: string;
}

@ObjectType()
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  prefix!: string;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => [String], { description: "CIDR ranges the key may be used from; empty: anywhere." })
  allowedIps!: string[];

  @Field(() => [ID], { description: "Portfolios the key may touch; empty: all of its owner's." })
  portfolioIds!: string[];

  static from(row: ApiKeyRow): ApiKey {
    const { id, name, prefix, scopes, createdAt, revokedAt, lastUsedAt, expiresAt, allowedIps, portfolioIds } = row;
    return Object.assign(new ApiKey(), { id, name, prefix, scopes, createdAt, revokedAt, lastUsedAt, expiresAt, allowedIps: allowedIps ?? [], portfolioIds: portfolioIds ?? [] });
  }
}

@ObjectType({ description: "Returned once, at creation: the secret is never shown again." })
export class ApiKeyWithSecret {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field({ description: "Send as `Authorization: ApiKey <secret>`." })
  secret!: string;
}

@InputType()
export class RegisterInput {
  @Field()
  email!: string;

  @Field()
  password!: string;

  @Field()
  firstName!: string;

  @Field()
  lastName!: string;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2, e.g. DE" })
  country?: string | null;

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD; stored encrypted" })
  dateOfBirth?: string | null;

  @Field(() => String, { nullable: true, description: "E.164, e.g. +4930123456; stored encrypted" })
  phoneNumber?: string | null;
}
