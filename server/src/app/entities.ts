import { AuditLogRow } from "../audit";
import { ApiKeyRow, MfaChallenge, RefreshToken, User } from "../identity";
import { Instrument } from "../market";

/** Every TypeORM entity of every feature: the server and the operator commands open the database with these. */
export const ENTITIES = [Instrument, User, RefreshToken, MfaChallenge, ApiKeyRow, AuditLogRow];
