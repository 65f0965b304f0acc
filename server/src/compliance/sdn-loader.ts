import fs from "node:fs/promises";
import path from "node:path";

/** One listed party with its names, as the screener uses it. */
export interface SanctionsEntry {
  listName: string;
  entryId: string;
  name: string;
  type: "individual" | "entity" | "vessel" | "aircraft";
  programs: string[];
  remarks: string | null;
  aliases: string[];
  countries: string[];
  /** OFAC's "Digital Currency Address - ETH 0x..." remarks: the currency and the address as listed. */
  addresses: Array<{ currency: string; address: string }>;
}

/** OFAC lists wallets in the remarks, e.g. `Digital Currency Address - XBT 1AbC...; alt. Digital Currency Address - ETH 0x...`. */
export function digitalCurrencyAddresses(remarks: string | null): Array<{ currency: string; address: string }> {
  return [...(remarks ?? "").matchAll(/Digital Currency Address - ([A-Z0-9]{2,10}) ([A-Za-z0-9]{20,120})/g)].map((m) => ({ currency: m[1], address: m[2] }));
}

export interface SdnFiles {
  sdn: string;
  alt?: string;
  add?: string;
}

/**
 * RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. OFAC's files
 * end with a SUB (0x1A) character, which is dropped.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const input = text.replace(/\x1a/g, "");
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && input[i + 1] === "\n") i++;
      row.push(field);
      if (row.length > 1 || row[0].trim() !== "") rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  row.push(field);
  if (row.length > 1 || row[0].trim() !== "") rows.push(row);
  return rows;
}

/** OFAC writes an empty field as `-0-`. */
const value = (raw: string | undefined): string | null => {
  const trimmed = (raw ?? "").trim();
  return trimmed === "" || trimmed === "-0-" ? null : trimmed;
};

/**
 * The OFAC SDN list in its legacy CSV form: `sdn.csv` (ent_num, SDN_Name, SDN_Type, Program,
 * Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks), `alt.csv`
 * (ent_num, alt_num, alt_type, alt_name, alt_remarks) and `add.csv` (ent_num, add_num, address,
 * city/state/postal code, country, add_remarks). No header rows.
 */
export function parseSdn(files: SdnFiles, listName = "OFAC-SDN"): SanctionsEntry[] {
  const entries = new Map<string, SanctionsEntry>();
  for (const record of parseCsv(files.sdn)) {
    const id = value(record[0]);
    const name = value(record[1]);
    if (!id || !name) continue;
    const type = (value(record[2]) ?? "entity").toLowerCase();
    entries.set(id, {
      listName,
      entryId: id,
      name,
      type: type === "individual" || type === "vessel" || type === "aircraft" ? type : "entity",
      // Several programs come as "SDGT] [IRGC".
      programs: (value(record[3]) ?? "").split(/\]\s*\[/).map((p) => p.replace(/[[\]]/g, "").trim()).filter(Boolean),
      remarks: value(record[11]),
      aliases: [],
      countries: [],
      addresses: digitalCurrencyAddresses(value(record[11])),
    });
  }
  for (const record of parseCsv(files.alt ?? "")) {
    const alias = value(record[3]);
    const entry = entries.get(value(record[0]) ?? "");
    if (entry && alias) entry.aliases.push(alias);
  }
  for (const record of parseCsv(files.add ?? "")) {
    const country = value(record[4]);
    const entry = entries.get(value(record[0]) ?? "");
    if (entry && country && !entry.countries.includes(country)) entry.countries.push(country);
  }
  return [...entries.values()];
}

/** Reads sdn.csv (required), alt.csv and add.csv (optional) from a folder. */
export async function loadSdnFolder(folder: string): Promise<SanctionsEntry[]> {
  const read = (name: string) =>
    fs.readFile(path.join(folder, name)).then(decode, (error: NodeJS.ErrnoException) => (error.code === "ENOENT" && name !== "sdn.csv" ? "" : Promise.reject(error)));
  const [sdn, alt, add] = await Promise.all([read("sdn.csv"), read("alt.csv"), read("add.csv")]);
  return parseSdn({ sdn, alt, add });
}

/** UTF-8 when the bytes are valid UTF-8, else Latin-1 (older OFAC downloads). */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}
