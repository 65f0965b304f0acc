import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../app/context";
import { Role, Scope, scope } from "../infra/auth";
import { DateTimeScalar } from "../infra/graphql/scalars";
import { deliver, presentedRefreshToken } from "./session-cookie";
import { AmlRiskLevel } from "./user-status";
import { ApiKey, ApiKeyWithSecret, AuthPayload, LoginResult, MfaSetup, RegisterInput, UserView } from "./identity.types";
import { rows } from "../infra/graphql/rows";
import { MAX_LISTED_KEYS } from "./api-key.service";

@Resolver()
export class IdentityResolver {
  @Mutation(() => AuthPayload, { description: "Creates a TRADER account and signs it in." })
  async register(@Arg("input", () => RegisterInput) input: RegisterInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return deliver(await ctx.services.auth.register(input), ctx.sessionCookie);
  }

  @Mutation(() => LoginResult)
  async login(@Arg("email") email: string, @Arg("password") password: string, @Ctx() ctx: Context): Promise<LoginResult> {
    const result = await ctx.services.auth.login(email, password, ctx.session);
    return result.auth ? { ...result, auth: deliver(result.auth, ctx.sessionCookie) } : result;
  }

  @Mutation(() => AuthPayload, { description: "Completes a login that asked for a second factor: a TOTP code or a backup code." })
  async verifyMfa(@Arg("mfaChallenge") challenge: string, @Arg("code") code: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    return deliver(await ctx.services.auth.verifyMfa(challenge, code, ctx.session), ctx.sessionCookie);
  }

  @Mutation(() => AuthPayload, {
    description: 'Rotates: the token given is spent; presenting it again revokes the session. With the header `x-session-cookie: 1`, "" means the session cookie\'s token.',
  })
  async refreshToken(@Arg("refreshToken") refreshToken: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    return deliver(await ctx.services.auth.refresh(presentedRefreshToken(refreshToken, ctx.sessionCookie) ?? ""), ctx.sessionCookie);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Ends the session: its refresh tokens and the access token used here stop working." })
  async logout(@Ctx() ctx: Context, @Arg("refreshToken", () => String, { nullable: true }) refreshToken?: string): Promise<boolean> {
    const done = await ctx.services.auth.logout(presentedRefreshToken(refreshToken, ctx.sessionCookie), ctx.session, ctx.access);
    if (ctx.sessionCookie?.wanted) ctx.sessionCookie.clear();
    return done;
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Needs the current password; every other session of the account ends." })
  changePassword(@Arg("currentPassword") currentPassword: string, @Arg("newPassword") newPassword: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.passwords.change(ctx.session, ctx.access, currentPassword, newPassword);
  }

  @Mutation(() => Boolean, { description: "Always true, whether or not the address is known (no account enumeration)." })
  requestPasswordReset(@Arg("email") email: string, @Ctx() ctx: Context): boolean {
    return ctx.services.passwords.requestReset(email);
  }

  @Mutation(() => Boolean, { description: "Sets the new password and revokes every session; the user then signs in (with MFA when on)." })
  resetPassword(@Arg("token") token: string, @Arg("newPassword") newPassword: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.passwords.reset(token, newPassword);
  }

  @Authorized(scope(Scope.READ_PROFILE))
  @Query(() => UserView)
  me(@Ctx() ctx: Context): Promise<UserView> {
    return ctx.services.users.me(ctx.session, ctx.account);
  }

  @Authorized()
  @Mutation(() => MfaSetup, { description: "Starts TOTP enrolment; confirmMfa with a first code turns it on." })
  enableMfa(@Ctx() ctx: Context): Promise<MfaSetup> {
    return ctx.services.mfa.enable(ctx.session.requireUser(), ctx.access);
  }

  @Authorized()
  @Mutation(() => [String], { description: "Confirms the first TOTP code and returns the one-time backup codes, shown once." })
  confirmMfa(@Arg("code") code: string, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.services.mfa.confirm(ctx.session.requireUser(), code, ctx.access);
  }

  @Authorized()
  @Mutation(() => [String], { description: "Replaces every backup code with ten new ones, shown once; needs a recent sign-in and a current TOTP code." })
  regenerateBackupCodes(@Arg("code") code: string, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.services.mfa.regenerateBackupCodes(ctx.session.requireUser(), code, ctx.access);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Turns MFA off; needs a current TOTP code." })
  disableMfa(@Arg("code") code: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.mfa.disable(ctx.session.requireUser(), code);
  }

  @Authorized()
  @Query(() => [ApiKey], { description: `The caller's API keys, revoked ones included: the newest ${MAX_LISTED_KEYS}.`, complexity: rows(MAX_LISTED_KEYS) })
  apiKeys(@Ctx() ctx: Context): Promise<ApiKey[]> {
    return ctx.services.apiKeys.list(ctx.session);
  }

  @Authorized()
  @Mutation(() => ApiKeyWithSecret)
  createApiKey(
    @Arg("name") name: string,
    @Arg("scopes", () => [String]) scopes: string[],
    @Ctx() ctx: Context,
    @Arg("expiresAt", () => DateTimeScalar, { nullable: true }) expiresAt?: Date | null,
    @Arg("allowedIps", () => [String], { nullable: true }) allowedIps?: string[] | null,
    @Arg("portfolioIds", () => [ID], { nullable: true }) portfolioIds?: string[] | null,
  ): Promise<ApiKeyWithSecret> {
    return ctx.services.apiKeys.create(ctx.session, name, scopes, { expiresAt, allowedIps, portfolioIds });
  }

  @Authorized()
  @Mutation(() => ApiKey)
  revokeApiKey(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return ctx.services.apiKeys.revoke(ctx.session, id);
  }

  @Authorized(Role.ADMIN, Role.COMPLIANCE_OFFICER)
  @Query(() => [UserView], { description: "ADMIN, COMPLIANCE_OFFICER: people whose name or email holds every word searched, by surname; at most 25 (not in the API contract: the audit page picks a person by name)." })
  users(@Arg("search") search: string, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true }) first?: number): Promise<UserView[]> {
    return ctx.services.users.search(search, first ?? 10);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UserView, { description: "ADMIN only." })
  setUserRoles(@Arg("userId", () => ID) userId: string, @Arg("roles", () => [Role]) roles: Role[], @Ctx() ctx: Context): Promise<UserView> {
    return ctx.services.users.setRoles(ctx.session, userId, roles);
  }
}

@Resolver(() => UserView)
export class UserViewResolver {
  /**
   * Tipping-off: telling a customer that they are under suspicion is an offence (FATF
   * Recommendation 21, POCA 2002 s.333A, 31 U.S.C. 5318(g)(2)). Only compliance staff, signed
   * in as themselves (not through an API key), see the level; everyone else, the customer
   * included, gets null.
   */
  @FieldResolver(() => AmlRiskLevel, { nullable: true, description: "Null unless the caller is a COMPLIANCE_OFFICER or ADMIN: a customer is never told (tipping-off)." })
  amlRiskLevel(@Root() user: UserView, @Ctx() ctx: Context): AmlRiskLevel | null {
    const staff = ctx.session.principal.kind === "user" && ctx.session.hasRole(Role.COMPLIANCE_OFFICER, Role.ADMIN);
    return staff ? user.amlRiskLevel : null;
  }
}
