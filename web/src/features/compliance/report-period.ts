/** A report period picked as whole UTC days, inclusive, sent as the half-open [from, to) the API takes. */
export function reportPeriod(fromDay: string, toDay: string): { from: string; to: string } | { error: string } {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(fromDay) || !day.test(toDay)) return { error: "Pick both days of the period" };
  if (toDay < fromDay) return { error: "The period ends before it starts" };
  const from = new Date(`${fromDay}T00:00:00.000Z`);
  const to = new Date(`${toDay}T00:00:00.000Z`);
  to.setUTCDate(to.getUTCDate() + 1);
  // The server refuses periods longer than 366 days.
  if (to.getTime() - from.getTime() > 366 * 86_400_000) return { error: "A report covers at most 366 days" };
  return { from: from.toISOString(), to: to.toISOString() };
}

export const REPORT_FILES = {
  CSV: { extension: "csv", mime: "text/csv;charset=utf-8" },
  XML: { extension: "xml", mime: "application/xml;charset=utf-8" },
  JSON: { extension: "json", mime: "application/json;charset=utf-8" },
} as const;

/** Hands the browser a file made in memory: the report never travels through a URL or a second request. */
export function downloadText(text: string, fileName: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
