import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { graphqlError, type ScriptedResult, scriptedClient } from "../../test/client";
import { ReviewQueue } from "./ReviewQueue";

const check = (name: string, passed: boolean, detail: string | null = null) => ({ __typename: "KycCheck", name, passed, detail });
const inReview = (id: string, detail: string) => ({
  __typename: "KycVerification",
  id,
  userId: `user-${id}`,
  status: "MANUAL_REVIEW",
  documentType: "PASSPORT",
  reason: null,
  submittedAt: `2026-01-0${id.length}T00:00:00.000Z`,
  decidedAt: null,
  checks: [check("mrz_format", true), check("country_risk", false, detail)],
  customer: { __typename: "User", id: `user-${id}`, firstName: "Anna", lastName: `Person-${id}` },
  identity: { __typename: "CustomerIdentity", dateOfBirth: "1990-05-17", documentType: "PASSPORT", documentNumberMasked: `••••${id.padStart(4, "0")}` },
});

const withRouter = (Wrapper: ({ children }: { children: ReactNode }) => ReactNode) =>
  function RouterWrapper({ children }: { children: ReactNode }) {
    return (
      <MemoryRouter>
        <Wrapper>{children}</Wrapper>
      </MemoryRouter>
    );
  };

function setup(decide: (variables: Record<string, unknown>) => ScriptedResult) {
  let all: Array<ReturnType<typeof inReview>> = [inReview("k1", "high-risk jurisdiction: IR"), inReview("k22", "high-risk jurisdiction: KP")];
  const api = scriptedClient({
    KycReviewQueue: (variables) => ({ data: { kycVerifications: all.filter((v) => !variables.status || v.status === variables.status) } }),
    DecideKyc: (variables) => {
      const result = decide(variables);
      if (result.data) {
        const decidedOne = (result.data as { decideKyc: ReturnType<typeof inReview> }).decideKyc;
        all = all.map((v) => (v.id === decidedOne.id ? decidedOne : v));
      }
      return result;
    },
  });
  render(<ReviewQueue />, { wrapper: withRouter(api.wrapper) });
  return { api, user: userEvent.setup() };
}

const decided = (variables: Record<string, unknown>) => {
  const input = variables.input as { verificationId: string; approve: boolean; reason: string };
  return { data: { decideKyc: { ...inReview(input.verificationId, ""), status: input.approve ? "VERIFIED" : "REJECTED", reason: input.reason, decidedAt: "2026-01-05T00:00:00.000Z" } } };
};

const item = (id: string) => document.querySelector(`[data-verification-id="${id}"]`) as HTMLElement;

describe("KYC review queue", () => {
  it("when the officer approves with a reason, then the decision is sent for that verification and it leaves the queue", async () => {
    const { api, user } = setup(decided);
    await screen.findByTestId("review-queue");
    expect(within(item("k1")).getByText("high-risk jurisdiction: IR", { exact: false })).toBeTruthy();
    // Checks are named for people, not by their internal ids.
    expect(within(item("k1")).getAllByText("Country risk", { exact: false }).length).toBeGreaterThan(0);
    expect(within(item("k1")).queryByText("country_risk", { exact: false })).toBeNull();
    await user.type(within(item("k1")).getByLabelText("Reason for the decision"), "Resident of Sweden for 20 years; source of funds documented");
    await user.click(within(item("k1")).getByRole("button", { name: "Approve" }));
    await waitFor(() => expect(item("k1")).toBeNull());
    expect(api.sent("DecideKyc").map((c) => c.variables.input)).toEqual([
      { verificationId: "k1", approve: true, reason: "Resident of Sweden for 20 years; source of funds documented" },
    ]);
    expect(item("k22")).not.toBeNull();
  });

  it("when the officer rejects without a reason, then a reason is asked for and nothing is sent; with one, a rejection is sent", async () => {
    const { api, user } = setup(decided);
    await screen.findByTestId("review-queue");
    await user.click(within(item("k22")).getByRole("button", { name: "Reject" }));
    expect(within(item("k22")).getByRole("alert").textContent).toBe("Give a reason for the decision (at least 3 characters).");
    expect(api.sent("DecideKyc")).toHaveLength(0);
    await user.type(within(item("k22")).getByLabelText("Reason for the decision"), "Sanctioned jurisdiction, no exemption");
    await user.click(within(item("k22")).getByRole("button", { name: "Reject" }));
    await waitFor(() => expect(item("k22")).toBeNull());
    expect(api.sent("DecideKyc")[0].variables.input).toMatchObject({ verificationId: "k22", approve: false });
  });

  it("when the server refuses the decision, then its reason is shown and the item stays", async () => {
    const { user } = setup(() => graphqlError("You cannot decide your own verification", "FORBIDDEN"));
    await screen.findByTestId("review-queue");
    await user.type(within(item("k1")).getByLabelText("Reason for the decision"), "Looks fine");
    await user.click(within(item("k1")).getByRole("button", { name: "Approve" }));
    expect((await within(item("k1")).findByTestId("form-error")).textContent).toBe("You cannot decide your own verification");
  });

  it("when a verification has been decided, then it stays visible under Decided with the customer's name, outcome and reason, filtered by outcome", async () => {
    const { user } = setup(decided);
    await screen.findByTestId("review-queue");
    expect(within(item("k1")).getByRole("link", { name: "Anna Person-k1" }).getAttribute("href")).toBe("/compliance/customers/user-k1");
    expect(within(item("k1")).getByText("born 1990-05-17 · passport ••••00k1", { exact: false })).toBeTruthy();
    await user.type(within(item("k1")).getByLabelText("Reason for the decision"), "Documented source of funds");
    await user.click(within(item("k1")).getByRole("button", { name: "Approve" }));
    await waitFor(() => expect(item("k1")).toBeNull());
    await user.click(screen.getByRole("button", { name: "Decided" }));
    const table = await screen.findByTestId("decided-verifications");
    expect(within(table).getByRole("link", { name: "Anna Person-k1" })).toBeTruthy();
    expect(within(table).getByText("Documented source of funds")).toBeTruthy();
    expect(within(table).getByTestId("born").textContent).toBe("1990-05-17");
    expect(within(table).getByTestId("document").textContent).toBe("passport ••••00k1");
    expect(within(table).getByTestId("decided-k1").textContent).toBe("Verified");
    await user.selectOptions(screen.getByLabelText("Outcome"), "REJECTED");
    expect(await screen.findByText("No decided verification.")).toBeTruthy();
  });

  it("when a licence's expiry is implausible, then it can only be rejected: no Approve button, a rejection is sent", async () => {
    const odd = { ...inReview("k3", ""), documentType: "DRIVERS_LICENSE", checks: [check("document_expiry_plausible", false, "expiry date 9999-12-31 is more than 15 years ahead")] };
    const api = scriptedClient({ KycReviewQueue: () => ({ data: { kycVerifications: [odd] } }), DecideKyc: (variables) => decided(variables) });
    render(<ReviewQueue />, { wrapper: withRouter(api.wrapper) });
    const user = userEvent.setup();
    await screen.findByTestId("review-queue");
    expect(within(item("k3")).queryByRole("button", { name: "Approve" })).toBeNull();
    expect(within(item("k3")).getByTestId("approve-refused").textContent).toBe("An implausible document cannot be approved.");
    await user.type(within(item("k3")).getByLabelText("Reason for the decision"), "Expiry is no date");
    await user.click(within(item("k3")).getByRole("button", { name: "Reject" }));
    await waitFor(() => expect(api.sent("DecideKyc")).toHaveLength(1));
    expect(api.sent("DecideKyc")[0].variables).toEqual({ input: { verificationId: "k3", approve: false, reason: "Expiry is no date" } });
  });

  it("when nothing waits for review, then the queue says so", async () => {
    const api = scriptedClient({ KycReviewQueue: () => ({ data: { kycVerifications: [] } }) });
    render(<ReviewQueue />, { wrapper: withRouter(api.wrapper) });
    expect(await screen.findByText("No verification is waiting for review.")).toBeTruthy();
  });
});
