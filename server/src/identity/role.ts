import { registerEnumType } from "type-graphql";

export enum Role {
  TRADER = "TRADER",
  ANALYST = "ANALYST",
  COMPLIANCE_OFFICER = "COMPLIANCE_OFFICER",
  ADMIN = "ADMIN",
  PARTNER = "PARTNER",
}

registerEnumType(Role, { name: "Role" });
