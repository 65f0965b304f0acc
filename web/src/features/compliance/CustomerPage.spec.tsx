import { render, screen, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import { scriptedClient } from "../../test/client";
import { CustomerPage } from "./CustomerPage";

const profile = {
  __typename: "CustomerProfile",
  user: { __typename: "User", id: "u1", email: "erin@example.com", firstName: "Erin", lastName: "Example", country: "KP", kycStatus: "MANUAL_REVIEW", amlRiskLevel: "MEDIUM", createdAt: "2026-10-01T00:00:00.000Z" },
  kycHistory: [
    {
      __typename: "KycVerification",
      id: "k1",
      userId: "u1",
      status: "MANUAL_REVIEW",
      documentType: "DRIVERS_LICENSE",
      reason: "Needs review: document_expiry_plausible",
      submittedAt: "2026-11-01T00:00:00.000Z",
      decidedAt: null,
      checks: [{ __typename: "KycCheck", name: "document_expiry_plausible", passed: false, detail: "expiry date 9999-12-31 is more than 15 years ahead" }],
    },
  ],
  screeningMatches: [],
  cases: [
    {
      __typename: "SuspiciousActivity",
      id: "c1",
      userId: "u1",
      sarNumber: null,
      rule: "HIGH_RISK_JURISDICTION",
      riskScore: 60,
      description: "deposit of 1000 USD by a person tied to KP",
      transactionIds: ["TX-9"],
      status: "CLOSED_NO_ACTION",
      caseStatus: "CLOSED_NO_ACTION",
      resolution: "Salary, documented",
      sarNarrative: null,
      createdAt: "2026-11-01T00:00:00.000Z",
      updatedAt: "2026-11-02T00:00:00.000Z",
      customer: { __typename: "User", id: "u1", firstName: "Erin", lastName: "Example" },
      identity: null,
      assignee: null,
      notes: [],
    },
  ],
  ctrFilings: [{ __typename: "CtrFiling", businessDate: "2026-11-01", totalCashIn: "12000", totalCashOut: "0", transactionIds: ["TX-1", "TX-2"] }],
  portfolios: [{ __typename: "Portfolio", id: "p1", name: "Main", cashBalance: "1000", createdAt: "2026-10-01T00:00:00.000Z" }],
  behaviour: {
    __typename: "BehaviourProfile",
    windowDays: 30,
    anomalyScore: 25.744,
    explanation: [
      "14 deposits just under the 10000 USD reporting threshold, typical 0 (depositsJustUnderThreshold: 79.6 robust deviations above typical).",
      "99% of deposits withdrawn within 48 hours, typical 0% (withdrawnSoonShare: 55.9 robust deviations above typical).",
    ],
    computedAt: "2026-11-28T00:00:00.000Z",
    features: [
      { __typename: "BehaviourFeature", name: "depositsJustUnderThreshold", value: 14, zScore: 79.6 },
      { __typename: "BehaviourFeature", name: "withdrawnSoonShare", value: 0.99, zScore: 55.94 },
      { __typename: "BehaviourFeature", name: "tradeCount", value: 0, zScore: -1.2 },
      { __typename: "BehaviourFeature", name: "distinctInstruments", value: 0, zScore: null },
    ],
  },
};

describe("customer file", () => {
  it("when an officer opens a customer, then identity, risk, KYC checks, cases with their resolution, CTR filings and portfolios are shown for the id in the path", async () => {
    const api = scriptedClient({ Customer: () => ({ data: { customer: profile } }) });
    const Wrapper = api.wrapper;
    render(
      <MemoryRouter initialEntries={["/compliance/customers/u1"]}>
        <Wrapper>
          <Routes>
            <Route path="/compliance/customers/:userId" element={<CustomerPage />} />
          </Routes>
        </Wrapper>
      </MemoryRouter>,
    );
    const file = await screen.findByTestId("customer-file");
    expect(api.sent("Customer")[0].variables).toEqual({ userId: "u1" });
    expect(within(file).getByRole("heading", { level: 1 }).textContent).toBe("Erin Example");
    expect(within(file).getByTestId("customer-risk").textContent).toBe("medium");
    expect(within(file).getByText("expiry date 9999-12-31 is more than 15 years ahead", { exact: false })).toBeTruthy();
    expect(within(file).getByText("Salary, documented")).toBeTruthy();
    expect(within(file).getByText("This case is closed no action and can no longer change.")).toBeTruthy();
    expect(within(file).getByText("12,000.00")).toBeTruthy();
    expect(within(file).getByText(/Main: cash/)).toBeTruthy();
  });

  it("when the customer has a behaviour profile, then the score, the explanation in order and every feature with its z-score are shown", async () => {
    const api = scriptedClient({ Customer: () => ({ data: { customer: profile } }) });
    const Wrapper = api.wrapper;
    render(
      <MemoryRouter initialEntries={["/compliance/customers/u1"]}>
        <Wrapper>
          <Routes>
            <Route path="/compliance/customers/:userId" element={<CustomerPage />} />
          </Routes>
        </Wrapper>
      </MemoryRouter>,
    );
    const file = await screen.findByTestId("customer-file");
    expect(within(file).getByRole("heading", { name: "Behaviour over 30 days" })).toBeTruthy();
    expect(within(file).getByTestId("behaviour-score").textContent).toBe("25.7");
    const lines = within(within(file).getByTestId("behaviour-explanation")).getAllByRole("listitem").map((li) => li.textContent);
    expect(lines).toEqual(profile.behaviour.explanation);
    const rows = within(within(file).getByTestId("behaviour-features")).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell").map((cell) => cell.textContent))).toEqual([
      ["depositsJustUnderThreshold", "14", "79.6"],
      ["withdrawnSoonShare", "99%", "55.9"],
      ["tradeCount", "0", "-1.2"],
      ["distinctInstruments", "0", "—"],
    ]);
    expect(rows.map((row) => row.getAttribute("data-unusual"))).toEqual(["true", "true", null, null]);
  });
});
