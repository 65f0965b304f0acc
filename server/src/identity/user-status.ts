import { registerEnumType } from "type-graphql";

export enum KycStatus {
  NOT_STARTED = "NOT_STARTED",
  PENDING = "PENDING",
  VERIFIED = "VERIFIED",
  REJECTED = "REJECTED",
  MANUAL_REVIEW = "MANUAL_REVIEW",
}

registerEnumType(KycStatus, { name: "KycStatus" });

export enum AmlRiskLevel {
  LOW = "LOW",
  MEDIUM = "MEDIUM",
  HIGH = "HIGH",
}

registerEnumType(AmlRiskLevel, { name: "AmlRiskLevel" });
