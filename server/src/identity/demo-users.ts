import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import bcrypt from "bcrypt";
import type { DataSource } from "typeorm";
import { Role } from "../infra/auth";
import { KycStatus } from "./user-status";
import { User } from "./user.entity";

export interface DemoLogin {
  email: string;
  password: string;
  roles: Role[];
}

const DEMO_ACCOUNTS: ReadonlyArray<Omit<DemoLogin, "password"> & { firstName: string; lastName: string }> = [
  { email: "trader@demo.blockguardian.local", firstName: "Tara", lastName: "Trader", roles: [Role.TRADER] },
  { email: "analyst@demo.blockguardian.local", firstName: "Ana", lastName: "Lyst", roles: [Role.ANALYST] },
  {
    email: "compliance@demo.blockguardian.local",
    firstName: "Colin",
    lastName: "Compliance",
    roles: [Role.COMPLIANCE_OFFICER],
  },
  { email: "admin@demo.blockguardian.local", firstName: "Ada", lastName: "Admin", roles: [Role.ADMIN] },
];

/**
 * Creates the demo accounts on first start with fresh random passwords, and keeps their logins
 * in the data folder (owner-only) so later starts can show them again. Never used with a
 * production database unless SEED_DEMO=true says so.
 */
export async function ensureDemoUsers(dataSource: DataSource, dataDir: string, bcryptCost: number): Promise<DemoLogin[]> {
  const file = path.join(dataDir, "demo-logins.json");
  const saved = await readLogins(file);
  const users = dataSource.getRepository(User);
  const logins: DemoLogin[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const existing = await users.findOneBy({ email: account.email });
    const known = saved.find((login) => login.email === account.email);
    if (existing && known && (await bcrypt.compare(known.password, existing.passwordHash))) {
      logins.push(known);
      continue;
    }
    // A new account, or one whose saved password no longer matches (a fresh data folder
    // against an old database): give it a new password so the printed login works.
    const password = randomBytes(12).toString("base64url");
    const passwordHash = await bcrypt.hash(password, bcryptCost);
    // Demo accounts come KYC-verified (without a document) so the demo can deposit and trade past
    // the limits for unverified customers; real customers go through submitKyc.
    await users.upsert({ ...account, passwordHash, kycStatus: KycStatus.VERIFIED }, { conflictPaths: ["email"] });
    logins.push({ email: account.email, password, roles: account.roles });
  }
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(file, JSON.stringify(logins, null, 2), { mode: 0o600 });
  return logins;
}

async function readLogins(file: string): Promise<DemoLogin[]> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as DemoLogin[];
  } catch {
    return [];
  }
}
