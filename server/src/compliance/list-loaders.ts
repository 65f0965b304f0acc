import fs from "node:fs/promises";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { loadSdnFolder, type SanctionsEntry } from "./sdn-loader";

/** One list read from the folder: what `sanctionsLists` reports, and its entries. */
export interface LoadedList {
  name: string;
  source: string;
  entries: SanctionsEntry[];
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", removeNSPrefix: true, parseTagValue: false, trimValues: true });
const many = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null || value === "" ? [] : Array.isArray(value) ? value : [value]);
const text = (value: unknown): string | null => {
  if (value === undefined || value === null) return null;
  const raw = typeof value === "object" ? ((value as Record<string, unknown>)["#text"] as string | undefined) : String(value);
  const trimmed = (raw ?? "").trim();
  return trimmed === "" ? null : trimmed;
};
const joined = (...parts: Array<string | null>) => parts.filter(Boolean).join(" ").replace(/\s+/g, " ").trim();

/**
 * The UN Security Council Consolidated List (https://scsanctions.un.org/resources/xml/en/consolidated.xml):
 * `CONSOLIDATED_LIST > INDIVIDUALS > INDIVIDUAL` and `ENTITIES > ENTITY`, each with `DATAID`,
 * `FIRST_NAME` .. `FOURTH_NAME` (an entity's name is its FIRST_NAME), `UN_LIST_TYPE`,
 * `REFERENCE_NUMBER`, `COMMENTS1`, `NATIONALITY > VALUE`, `INDIVIDUAL_ALIAS` / `ENTITY_ALIAS`
 * with `ALIAS_NAME`, and addresses with `COUNTRY`.
 */
export function parseUnConsolidated(source: string, listName = "UN-SC"): SanctionsEntry[] {
  const root = xml.parse(source).CONSOLIDATED_LIST ?? {};
  const read = (node: Record<string, any>, kind: "individual" | "entity"): SanctionsEntry | null => {
    const id = text(node.REFERENCE_NUMBER) ?? text(node.DATAID);
    const name = joined(text(node.FIRST_NAME), text(node.SECOND_NAME), text(node.THIRD_NAME), text(node.FOURTH_NAME));
    if (!id || !name) return null;
    const aliases = many(kind === "individual" ? node.INDIVIDUAL_ALIAS : node.ENTITY_ALIAS).map((a: any) => text(a?.ALIAS_NAME)).filter((a): a is string => a !== null);
    const addresses = many(kind === "individual" ? node.INDIVIDUAL_ADDRESS : node.ENTITY_ADDRESS);
    const countries = [...new Set([...many(node.NATIONALITY?.VALUE).map(text), ...addresses.map((a: any) => text(a?.COUNTRY))].filter((c): c is string => c !== null))];
    return { listName, entryId: id, name, type: kind, programs: many(node.UN_LIST_TYPE).map(text).filter((p): p is string => p !== null), remarks: text(node.COMMENTS1), aliases, countries, addresses: [] };
  };
  return [
    ...many(root.INDIVIDUALS?.INDIVIDUAL).map((n: any) => read(n, "individual")),
    ...many(root.ENTITIES?.ENTITY).map((n: any) => read(n, "entity")),
  ].filter((e): e is SanctionsEntry => e !== null);
}

/**
 * The EU consolidated financial sanctions list, XML 1.1
 * (https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content, namespace
 * http://eu.europa.ec/fpi/fsd/export): `export > sanctionEntity` with `logicalId`,
 * `euReferenceNumber`, `subjectType@code` (person / enterprise), `regulation@programme`, every
 * `nameAlias@wholeName` (the first is the entry's name, the others aliases), `citizenship` and
 * `address` with `countryIso2Code`, and a `remark`.
 */
export function parseEuConsolidated(source: string, listName = "EU-FSF"): SanctionsEntry[] {
  const root = xml.parse(source).export ?? {};
  return many(root.sanctionEntity)
    .map((node: any): SanctionsEntry | null => {
      const id = text(node["@euReferenceNumber"]) ?? text(node["@logicalId"]);
      const names = many(node.nameAlias).map((a: any) => text(a?.["@wholeName"]) ?? joined(text(a?.["@firstName"]), text(a?.["@middleName"]), text(a?.["@lastName"]))).filter((n): n is string => Boolean(n));
      if (!id || names.length === 0) return null;
      const code = text(node.subjectType?.["@code"]);
      const countries = [...new Set([...many(node.citizenship), ...many(node.address)].map((c: any) => text(c?.["@countryIso2Code"])).filter((c): c is string => c !== null && c !== "00"))];
      return { listName, entryId: id, name: names[0], type: code === "person" ? "individual" : "entity", programs: [...new Set(many(node.regulation).map((r: any) => text(r?.["@programme"])).filter((p): p is string => p !== null))], remarks: text(node.remark), aliases: names.slice(1), countries, addresses: [] };
    })
    .filter((e): e is SanctionsEntry => e !== null);
}

/**
 * OFAC's SDN list as XML (https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML,
 * namespace http://tempuri.org/sdnList.xsd): `sdnList > sdnEntry` with `uid`, `firstName`,
 * `lastName`, `sdnType`, `programList > program`, `akaList > aka` (first and last name),
 * `addressList > address > country`, and `idList > id` whose `idType` "Digital Currency Address -
 * XBT" carries a listed wallet in `idNumber`.
 */
export function parseSdnXml(source: string, listName = "OFAC-SDN"): SanctionsEntry[] {
  const root = xml.parse(source).sdnList ?? {};
  return many(root.sdnEntry)
    .map((node: any): SanctionsEntry | null => {
      const id = text(node.uid);
      const last = text(node.lastName);
      const first = text(node.firstName);
      if (!id || !last) return null;
      const type = (text(node.sdnType) ?? "Entity").toLowerCase();
      const ids = many(node.idList?.id);
      return {
        listName,
        entryId: id,
        // As in the CSV: "SURNAME, Given" for individuals.
        name: first ? `${last}, ${first}` : last,
        type: type === "individual" || type === "vessel" || type === "aircraft" ? type : "entity",
        programs: many(node.programList?.program).map(text).filter((p): p is string => p !== null),
        remarks: text(node.remarks),
        aliases: many(node.akaList?.aka).map((a: any) => (text(a?.firstName) ? `${text(a.lastName)}, ${text(a.firstName)}` : text(a?.lastName))).filter((a): a is string => Boolean(a)),
        countries: [...new Set(many(node.addressList?.address).map((a: any) => text(a?.country)).filter((c): c is string => c !== null))],
        addresses: ids
          .map((i: any) => ({ type: text(i?.idType) ?? "", number: text(i?.idNumber) }))
          .filter((i) => i.type.startsWith("Digital Currency Address - ") && i.number)
          .map((i) => ({ currency: i.type.slice("Digital Currency Address - ".length).trim(), address: i.number! })),
      };
    })
    .filter((e): e is SanctionsEntry => e !== null);
}

/**
 * The UK Sanctions List, published by the FCDO (https://www.gov.uk/government/publications/the-uk-sanctions-list;
 * XML at https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml), which replaced OFSI's
 * consolidated list: `Designations > Designation` with `UniqueID`, `IndividualEntityShip`
 * (Individual, Entity, Ship), `RegimeName`, `OtherInformation`, `Names > Name` holding `Name1` ..
 * `Name5` (given names) and `Name6` (the surname, or an entity's whole name) with a `NameType`
 * (Primary Name, Primary Name Variation, Alias), `Addresses > Address > AddressCountry` and
 * `IndividualDetails > Individual > Nationalities > Nationality`. Non-Latin names are not read:
 * the screener compares Latin letters, and every listing carries its Latin form.
 */
export function parseUkSanctionsList(source: string, listName = "UK-FCDO"): SanctionsEntry[] {
  const root = xml.parse(source).Designations ?? {};
  const fullName = (n: any) => joined(text(n?.Name1), text(n?.Name2), text(n?.Name3), text(n?.Name4), text(n?.Name5), text(n?.Name6));
  return many(root.Designation)
    .map((node: any): SanctionsEntry | null => {
      const id = text(node.UniqueID);
      const names = many(node.Names?.Name).map((n: any) => ({ name: fullName(n), primary: (text(n?.NameType) ?? "").toLowerCase() === "primary name" })).filter((n) => n.name !== "");
      if (!id || names.length === 0) return null;
      const primary = names.find((n) => n.primary) ?? names[0];
      const kind = (text(node.IndividualEntityShip) ?? "").toLowerCase();
      const nationalities = many(node.IndividualDetails?.Individual).flatMap((i: any) => many(i?.Nationalities?.Nationality).map(text));
      const countries = [...new Set([...nationalities, ...many(node.Addresses?.Address).map((a: any) => text(a?.AddressCountry))].filter((c): c is string => c !== null))];
      return {
        listName,
        entryId: id,
        name: primary.name,
        type: kind === "individual" ? "individual" : kind === "ship" ? "vessel" : "entity",
        programs: many(node.RegimeName).map(text).filter((p): p is string => p !== null),
        remarks: text(node.OtherInformation),
        aliases: [...new Set(names.filter((n) => n !== primary).map((n) => n.name))],
        countries,
        addresses: [],
      };
    })
    .filter((e): e is SanctionsEntry => e !== null);
}

/** The files a list folder may hold, each optional, at least one required. */
export const LIST_FILES = [
  { file: "sdn.csv", name: "OFAC-SDN", load: (folder: string) => loadSdnFolder(folder) },
  // The XML form of the same list: a folder holds one or the other.
  { file: "sdn.xml", name: "OFAC-SDN-XML", load: async (folder: string) => parseSdnXml(await fs.readFile(path.join(folder, "sdn.xml"), "utf8"), "OFAC-SDN-XML") },
  { file: "un-consolidated.xml", name: "UN-SC", load: async (folder: string) => parseUnConsolidated(await fs.readFile(path.join(folder, "un-consolidated.xml"), "utf8")) },
  { file: "eu-consolidated.xml", name: "EU-FSF", load: async (folder: string) => parseEuConsolidated(await fs.readFile(path.join(folder, "eu-consolidated.xml"), "utf8")) },
  { file: "uk-sanctions-list.xml", name: "UK-FCDO", load: async (folder: string) => parseUkSanctionsList(await fs.readFile(path.join(folder, "uk-sanctions-list.xml"), "utf8")) },
] as const;

/** Every list present in the folder. A folder with none is a configuration error, not an empty screen. */
export async function loadListFolder(folder: string): Promise<LoadedList[]> {
  const present = await Promise.all(LIST_FILES.map((l) => fs.access(path.join(folder, l.file)).then(() => true, () => false)));
  const lists: LoadedList[] = [];
  for (const [i, list] of LIST_FILES.entries()) {
    if (present[i]) lists.push({ name: list.name, source: path.join(folder, list.file), entries: await list.load(folder) });
  }
  if (lists.length === 0) throw new Error(`SANCTIONS_LIST_DIR ${folder} holds no list (${LIST_FILES.map((l) => l.file).join(", ")})`);
  return lists;
}
