import type { DataSource } from "typeorm";
import type { AuditService } from "../audit";
import { Role } from "../infra/auth";
import { AppError, badUserInput, notFound } from "../infra/errors";
import { type PubSub, topics } from "../infra/pubsub";
import { UserView } from "./identity.types";
import { checkPasswordPolicy, hashPassword, normalizeEmail } from "./password";
import type { Session } from "./session";
import { User } from "./user.entity";

export class UserService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly pubsub: PubSub,
    private readonly bcryptCost: number,
  ) {}

  async me(session: Session): Promise<UserView> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id: session.requireUser() });
    if (!user) throw new AppError("UNAUTHENTICATED", "The account no longer exists");
    return UserView.from(user);
  }

  /** ADMIN: replaces a user's roles. Open WebSockets of that user close, to reconnect with the new roles. */
  async setRoles(session: Session, userId: string, roles: Role[]): Promise<UserView> {
    const unique = [...new Set(roles)];
    if (unique.length === 0) throw badUserInput("Give at least one role", "roles");
    if (userId === session.userId && !unique.includes(Role.ADMIN)) {
      throw new AppError("CONFLICT", "Administrators cannot remove their own ADMIN role");
    }
    const updated = await this.dataSource.transaction(async (manager) => {
      const user = /^[0-9a-f-]{36}$/i.test(userId) ? await manager.findOneBy(User, { id: userId }) : null;
      if (!user) throw notFound("User");
      await manager.update(User, { id: userId }, { roles: unique });
      await this.audit.append(manager, {
        eventType: "user.roles_changed",
        userId: session.userId,
        entityType: "user",
        entityId: userId,
        payload: { from: user.roles, to: unique },
      });
      return { ...user, roles: unique };
    });
    await this.pubsub.publish(topics.sessionsRevoked(), { userId });
    return UserView.from(updated);
  }

  /**
   * For `npm run user:create`: creates the user with the role, or adds the role to an existing
   * one (the password is then left as it is).
   */
  async createOrPromote(input: { email: string; password: string; role: Role; firstName?: string; lastName?: string }): Promise<{ user: User; created: boolean }> {
    const email = normalizeEmail(input.email);
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOneBy(User, { email });
      if (existing) {
        const roles = existing.roles.includes(input.role) ? existing.roles : [...existing.roles, input.role];
        await manager.update(User, { id: existing.id }, { roles });
        await this.audit.append(manager, { eventType: "user.roles_changed", entityType: "user", entityId: existing.id, payload: { from: existing.roles, to: roles, via: "cli" } });
        return { user: { ...existing, roles }, created: false };
      }
      checkPasswordPolicy(input.password, email);
      const user = manager.create(User, {
        email,
        passwordHash: await hashPassword(input.password, this.bcryptCost),
        firstName: input.firstName ?? input.role.charAt(0) + input.role.slice(1).toLowerCase(),
        lastName: input.lastName ?? "User",
        roles: [input.role],
      });
      await manager.insert(User, user);
      await this.audit.append(manager, { eventType: "user.registered", userId: user.id, entityType: "user", entityId: user.id, payload: { via: "cli", roles: [input.role] } });
      return { user, created: true };
    });
  }
}
