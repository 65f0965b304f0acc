import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { scriptedClient } from "../../test/client";
import { reportPeriod } from "./report-period";
import { Reports } from "./Reports";

const CSV = "user_id,person_name,country,business_date,total_cash_in,total_cash_out,transaction_ids\r\nu1,Ada Lovelace,,2026-11-24,50000.0000000000,0,T1\r\n";

function setup() {
  const api = scriptedClient({
    RegulatoryReport: ({ type, from, to }) => ({
      data: {
        report: {
          __typename: "RegulatoryReport",
          type,
          periodStart: from,
          periodEnd: to,
          generatedAt: "2026-11-24T12:00:00.000Z",
          ctrFilings: [{ __typename: "CtrFiling", userId: "u1-aaaaaaaa", customer: null, identity: { __typename: "CustomerIdentity", dateOfBirth: "1979-12-01", documentType: "DRIVERS_LICENSE", documentNumberMasked: "••••5678" }, businessDate: "2026-11-24", totalCashIn: "50000", totalCashOut: "0", transactionIds: ["T1"] }],
          sarFilings: [],
        },
      },
    }),
    RegulatoryReportContent: () => ({ data: { report: { __typename: "RegulatoryReport", type: "CTR", generatedAt: "2026-11-24T12:00:00.000Z", content: CSV } } }),
  });
  render(<Reports />, { wrapper: api.wrapper });
  return { api, user: userEvent.setup() };
}

afterEach(() => vi.restoreAllMocks());

describe("regulatory reports", () => {
  it("when a period of whole days is picked, then the API gets the half-open UTC range, and a backwards or too long one is refused", () => {
    expect(reportPeriod("2026-11-01", "2026-11-24")).toEqual({ from: "2026-11-01T00:00:00.000Z", to: "2026-11-25T00:00:00.000Z" });
    expect(reportPeriod("2026-11-24", "2026-11-01")).toEqual({ error: "The period ends before it starts" });
    expect("error" in reportPeriod("2025-01-01", "2026-01-01")).toBe(false);
    expect(reportPeriod("2025-01-01", "2026-01-02")).toEqual({ error: "A report covers at most 366 days" });
  });

  it("when CTR filings are shown, then each row carries the customer's date of birth and masked document number", async () => {
    const { user } = setup();
    await user.click(screen.getByRole("button", { name: "Show filings" }));
    expect((await screen.findByTestId("born")).textContent).toBe("1979-12-01");
    expect(screen.getByTestId("document").textContent).toBe("drivers license ••••5678");
  });

  it("when the CSV is downloaded, then the server's content(CSV) for the shown period becomes a .csv file, byte for byte", async () => {
    const { api, user } = setup();
    let blob: Blob | undefined;
    vi.spyOn(URL, "createObjectURL").mockImplementation((b) => {
      blob = b as Blob;
      return "blob:report";
    });
    vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => {});
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    await user.click(screen.getByRole("button", { name: "Show filings" }));
    expect((await screen.findByTestId("report-count")).textContent).toBe("1");
    await user.click(screen.getByRole("button", { name: "Download CSV" }));
    await waitFor(() => expect(clicked).toHaveLength(1));
    const shown = api.sent("RegulatoryReport")[0].variables;
    expect(api.sent("RegulatoryReportContent")[0].variables).toEqual({ ...shown, format: "CSV" });
    expect(clicked[0].download).toBe(`ctr-${String(shown.from).slice(0, 10)}-${String(shown.to).slice(0, 10)}.csv`);
    expect(blob!.type).toBe("text/csv;charset=utf-8");
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.readAsText(blob!);
    });
    expect(text).toBe(CSV);
  });
});
