import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import type { Role } from "../infra/auth";
import { UserView } from "./identity.types";
import type { AmlRiskLevel, KycStatus } from "./user-status";

/** An active account as every authenticated request reads it: roles for the checks, the profile for `me`. */
export interface Account {
  roles: Role[];
  view: UserView;
}

interface AccountRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  country: string | null;
  roles: Role[];
  kyc_status: KycStatus;
  aml_risk_level: AmlRiskLevel;
  mfa_enabled: boolean;
  created_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BATCH = 100;

/**
 * Reads the caller's account once per request, fresh from the database (a role removed or an
 * account disabled takes effect on the next request), with concurrent requests sharing one
 * statement: lookups started while the event loop handles a burst of requests are sent together
 * when it next reaches its check phase. A plain statement, no entity hydration: this runs on
 * every authenticated request. Nothing is cached between batches.
 */
export class AccountReader {
  private readonly batches: DataLoader<string, Account | null>;

  constructor(private readonly dataSource: DataSource) {
    this.batches = new DataLoader((ids) => this.readMany(ids), { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (run) => setImmediate(run) });
  }

  /** The active account with this id, or null (unknown or disabled). */
  read(userId: string): Promise<Account | null> {
    return this.batches.load(userId);
  }

  private async readMany(ids: readonly string[]): Promise<Array<Account | null>> {
    const wellFormed = [...new Set(ids.filter((id) => UUID.test(id)))];
    const rows: AccountRow[] = wellFormed.length
      ? await this.dataSource.query(
          `SELECT id, email, first_name, last_name, country, roles, kyc_status, aml_risk_level, mfa_enabled, created_at
             FROM users WHERE id = ANY($1::uuid[]) AND is_active`,
          [wellFormed],
        )
      : [];
    const byId = new Map(rows.map((row) => [row.id.toLowerCase(), row]));
    return ids.map((id) => {
      const row = byId.get(id.toLowerCase());
      return row ? { roles: row.roles, view: toView(row) } : null;
    });
  }
}

function toView(row: AccountRow): UserView {
  return Object.assign(new UserView(), {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    country: row.country,
    roles: row.roles,
    kycStatus: row.kyc_status,
    amlRiskLevel: row.aml_risk_level,
    mfaEnabled: row.mfa_enabled,
    createdAt: row.created_at,
  });
}
