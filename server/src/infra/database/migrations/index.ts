import { Instruments1732420000000 } from "./1732420000000-instruments";
import { Users1732420000001 } from "./1732420000001-users";
import { Identity1732420000002 } from "./1732420000002-identity";
import { AuditLog1732420000003 } from "./1732420000003-audit-log";

/** Every migration, oldest first. The same list runs on PostgreSQL and on embedded PGlite. */
export const migrations = [Instruments1732420000000, Users1732420000001, Identity1732420000002, AuditLog1732420000003];
