import type { DataSource } from "typeorm";
import type { AuditService } from "../audit";
import type { Role } from "../infra/auth";
import { checkPasswordPolicy, hashPassword, normalizeEmail } from "./password";
import { User } from "./user.entity";

export interface CreateOrPromoteInput {
  email: string;
  password: string;
  role: Role;
  firstName?: string;
  lastName?: string;
}

/**
 * For `npm run user:create` (the first administrator is made from the shell): creates the
 * user with the role, or adds the role to an existing one, whose password is left as it is.
 */
export async function createOrPromoteUser(dataSource: DataSource, audit: AuditService, bcryptCost: number, input: CreateOrPromoteInput): Promise<{ user: User; created: boolean }> {
  const email = normalizeEmail(input.email);
  return dataSource.transaction(async (manager) => {
    const existing = await manager.findOneBy(User, { email });
    if (existing) {
      const roles = existing.roles.includes(input.role) ? existing.roles : [...existing.roles, input.role];
      await manager.update(User, { id: existing.id }, { roles });
      await audit.append(manager, { eventType: "user.roles_changed", entityType: "user", entityId: existing.id, payload: { from: existing.roles, to: roles, via: "cli" } });
      return { user: { ...existing, roles }, created: false };
    }
    checkPasswordPolicy(input.password, email);
    const user = manager.create(User, {
      email,
      passwordHash: await hashPassword(input.password, bcryptCost),
      firstName: input.firstName ?? input.role.charAt(0) + input.role.slice(1).toLowerCase(),
      lastName: input.lastName ?? "User",
      roles: [input.role],
    });
    await manager.insert(User, user);
    await audit.append(manager, { eventType: "user.registered", userId: user.id, entityType: "user", entityId: user.id, payload: { via: "cli", roles: [input.role] } });
    return { user, created: true };
  });
}
