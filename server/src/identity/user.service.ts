import type { DataSource } from "typeorm";
import type { AuditService } from "../audit";
import { Role } from "../infra/auth";
import { AppError, badUserInput, notFound } from "../infra/errors";
import { type PubSub, topics } from "../infra/pubsub";
import { UserView } from "./identity.types";
import type { Session } from "./session";
import { User } from "./user.entity";

export class UserService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly pubsub: PubSub,
  ) {}

  /** The caller's account; `current` is the one this request's authentication read (no second read). */
  async me(session: Session, current: UserView | null = null): Promise<UserView> {
    if (current && current.id === session.userId) return current;
    const user = await this.dataSource.getRepository(User).findOneBy({ id: session.requireUser() });
    if (!user) throw new AppError("UNAUTHENTICATED", "The account no longer exists");
    return UserView.from(user);
  }

  /**
   * People by name or email, for staff choosing a person (the audit log's "who acted" filter):
   * every word must appear in the name or the email, case-insensitively; at most 25.
   */
  async search(text: string, first = 10): Promise<UserView[]> {
    const words = text.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0 || text.trim().length < 2) throw badUserInput("search needs at least 2 characters", "search");
    if (first < 1 || first > 25) throw badUserInput("first must be 1 to 25", "first");
    const query = this.dataSource.getRepository(User).createQueryBuilder("u");
    words.forEach((word, i) => {
      // LIKE's wildcards in what was typed match themselves.
      const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere(`(u.first_name || ' ' || u.last_name || ' ' || u.email) ILIKE :w${i}`, { [`w${i}`]: pattern });
    });
    const rows = await query.orderBy("u.last_name", "ASC").addOrderBy("u.first_name", "ASC").addOrderBy("u.id", "ASC").take(first).getMany();
    return rows.map(UserView.from);
  }

  /** ADMIN: replaces a user's roles. Open WebSockets of that user close, to reconnect with the new roles. */
  async setRoles(session: Session, userId: string, roles: Role[]): Promise<UserView> {
    const unique = [...new Set(roles)];
    if (unique.length === 0) throw badUserInput("Give at least one role", "roles");
    const updated = await this.dataSource.transaction(async (manager) => {
      const user = /^[0-9a-f-]{36}$/i.test(userId) ? await manager.findOneBy(User, { id: userId }) : null;
      if (!user) throw notFound("User");
      // Compared after the lookup: the database's spelling of the id, whatever case was sent.
      if (user.id === session.userId && !unique.includes(Role.ADMIN)) {
        throw new AppError("CONFLICT", "Administrators cannot remove their own ADMIN role");
      }
      await manager.update(User, { id: user.id }, { roles: unique });
      await this.audit.append(manager, {
        eventType: "user.roles_changed",
        userId: session.userId,
        entityType: "user",
        entityId: user.id,
        payload: { from: user.roles, to: unique },
      });
      return { ...user, roles: unique };
    });
    await this.pubsub.publish(topics.sessionsRevoked(), { userId: updated.id });
    return UserView.from(updated);
  }
}
