import { registerEnumType } from "type-graphql";

/** The document formats reports and statements are rendered in (`content(format:)`). */
export enum ReportFormat {
  JSON = "JSON",
  CSV = "CSV",
  XML = "XML",
}
registerEnumType(ReportFormat, { name: "ReportFormat" });

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; records end in CRLF. */
export function csvField(value: string | number | null): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Escapes markup and drops characters XML 1.0 cannot carry at all. */
export function xmlText(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
