import type { BarInput } from "./bar-validation";

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const UNIX_SECONDS = /^\d{1,12}$/;
// ISO 8601 with a time; without an offset it is read as UTC, never as the machine's zone.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads bars from CSV text as common public downloads write them (Yahoo Finance, Stooq,
 * exchanges' exports): columns found by name in any case, `date` (YYYY-MM-DD, UTC midnight)
 * or `time` (ISO 8601 or Unix seconds), `open`, `high`, `low`, `close` and `volume` (0 when the
 * file has no volume column); other columns such as `Adj Close` are ignored. Lines are numbered
 * as in the file (the header is line 1), so refusals point at the line to fix.
 */
export function parseBarCsv(text: string): { bars: BarInput[]; problems: string[] } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "").map((name) => name.trim().toLowerCase());
  const column = (name: string) => header.indexOf(name);
  const timeColumn = column("date") >= 0 ? column("date") : column("time");
  const missing = ["open", "high", "low", "close"].filter((name) => column(name) < 0);
  if (timeColumn < 0) missing.unshift("date or time");
  if (missing.length > 0) throw new Error(`the header has no ${missing.join(", ")} column (found: ${header.join(", ")})`);
  const bars: BarInput[] = [];
  const problems: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const cells = splitCsvLine(lines[i]);
    const cell = (name: string) => (column(name) >= 0 ? (cells[column(name)] ?? "").trim() : "");
    const time = parseTime((cells[timeColumn] ?? "").trim());
    if (!time) {
      problems.push(`line ${i + 1}: time is not a date, an ISO 8601 time or Unix seconds: ${JSON.stringify(cells[timeColumn] ?? "")}`);
      continue;
    }
    bars.push({ time, open: cell("open"), high: cell("high"), low: cell("low"), close: cell("close"), volume: column("volume") >= 0 ? cell("volume") : "0", line: i + 1 });
  }
  return { bars, problems };
}

export function parseTime(text: string): Date | null {
  const date = DATE_ONLY.exec(text);
  if (date) {
    const ms = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    // Date.UTC rolls 2024-02-30 over to March: a date that does not exist is refused instead.
    return new Date(ms).toISOString().startsWith(text) ? new Date(ms) : null;
  }
  if (UNIX_SECONDS.test(text)) return new Date(Number(text) * 1000);
  if (ISO_TIME.test(text)) {
    const normalized = text.replace(" ", "T");
    const parsed = new Date(/(Z|[+-]\d{2}:?\d{2})$/i.test(normalized) ? normalized : `${normalized}Z`);
    return Number.isNaN(parsed.getTime()) ? null : parsed;
  }
  return null;
}

/** One CSV record on one line (RFC 4180 quoting; quoted fields do not span lines in bar files). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      cells.push(current);
      current = "";
    } else current += char;
  }
  cells.push(current);
  return cells;
}
