import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setSession } from "../../lib/session";
import { graphqlError, type ScriptedResult, scriptedClient } from "../../test/client";
import { Cases } from "./Cases";

const OFFICER = { __typename: "User", id: "officer-1", firstName: "Olive", lastName: "Officer" };
const person = (id: string, firstName: string, lastName: string) => ({ __typename: "User", id, firstName, lastName });

type Case = ReturnType<typeof makeCase>;
const makeCase = (id: string, overrides: Record<string, unknown> = {}) => ({
  __typename: "SuspiciousActivity",
  id,
  userId: `user-${id}`,
  sarNumber: null as string | null,
  rule: "STRUCTURING",
  riskScore: 80,
  description: "3 deposits below 10000 USD\n2 more deposits just under the threshold",
  transactionIds: ["TX-1", "TX-2"],
  status: "OPEN",
  caseStatus: "OPEN",
  resolution: null as string | null,
  sarNarrative: null as string | null,
  createdAt: "2026-11-01T10:00:00.000Z",
  updatedAt: "2026-11-01T10:00:00.000Z",
  customer: person(`user-${id}`, "Bob", `Builder-${id}`),
  identity: { __typename: "CustomerIdentity", dateOfBirth: "1984-03-09", documentType: "PASSPORT", documentNumberMasked: "••••6543" } as Record<string, unknown> | null,
  assignee: null as typeof OFFICER | null,
  notes: [] as Array<{ __typename: string; text: string; createdAt: string; author: typeof OFFICER }>,
  ...overrides,
});

/** A small case store answering the API's operations as the server would. */
function setup(refuse: Partial<Record<string, ScriptedResult>> = {}) {
  let cases: Case[] = [makeCase("c1"), makeCase("c2", { rule: "VELOCITY", riskScore: 50, identity: null })];
  const answer = (name: string, id: string, change: (c: Case) => Case) => {
    if (refuse[name]) return refuse[name]!;
    cases = cases.map((c) => (c.id === id ? change(c) : c));
    return { data: { [name]: cases.find((c) => c.id === id) } };
  };
  const api = scriptedClient({
    Cases: (v) => {
      const statuses = v.status as string[] | undefined;
      const rows = cases.filter((c) => (!statuses || statuses.includes(c.caseStatus)) && (!v.rule || c.rule === v.rule) && (!v.assigneeId || c.assignee?.id === v.assigneeId));
      return {
        data: {
          suspiciousActivities: {
            __typename: "SuspiciousActivityConnection",
            totalCount: rows.length,
            edges: rows.map((node) => ({ __typename: "SuspiciousActivityEdge", cursor: node.id, node })),
            pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: null },
          },
        },
      };
    },
    AssignCase: (v) => answer("assignCase", v.id as string, (c) => ({ ...c, assignee: OFFICER, caseStatus: "UNDER_REVIEW", status: "UNDER_REVIEW" })),
    AddCaseNote: (v) => answer("addCaseNote", v.id as string, (c) => ({ ...c, notes: [...c.notes, { __typename: "CaseNote", text: v.text as string, createdAt: "2026-11-02T10:00:00.000Z", author: OFFICER }] })),
    FileSar: (v) => answer("fileSar", v.id as string, (c) => ({ ...c, caseStatus: "SAR_FILED", status: "SAR_FILED", sarNumber: "SAR-20261102-000007", sarNarrative: v.narrative as string })),
    CloseCase: (v) => answer("closeCase", v.id as string, (c) => ({ ...c, caseStatus: "CLOSED_NO_ACTION", status: "CLOSED_NO_ACTION", resolution: v.resolution as string })),
  });
  const Wrapper = api.wrapper;
  render(<Cases />, {
    wrapper: ({ children }: { children: ReactNode }) => (
      <MemoryRouter>
        <Wrapper>{children}</Wrapper>
      </MemoryRouter>
    ),
  });
  return { api, user: userEvent.setup() };
}

const row = (id: string) => document.querySelector(`[data-case-row="${id}"]`) as HTMLElement;
const panel = (id: string) => document.querySelector(`[data-case-id="${id}"]`) as HTMLElement;

describe("case queue", () => {
  beforeEach(() => setSession({ accessToken: "t", accessTokenExpiresAt: "2099-01-01T00:00:00.000Z", refreshToken: "r", user: { ...OFFICER, email: "o@example.com", roles: ["COMPLIANCE_OFFICER"], mfaEnabled: false } }));
  afterEach(() => setSession(null));

  it("when the queue loads, then cases being worked show the customer's name linking to their file, their date of birth and masked document, and the filters are sent to the API", async () => {
    const { api, user } = setup();
    await screen.findByTestId("cases");
    expect(api.sent("Cases")[0].variables).toMatchObject({ status: ["OPEN", "UNDER_REVIEW", "ESCALATED"] });
    expect(within(row("c1")).getByRole("link", { name: "Bob Builder-c1" }).getAttribute("href")).toBe("/compliance/customers/user-c1");
    expect(within(row("c1")).getByTestId("born").textContent).toBe("1984-03-09");
    expect(within(row("c1")).getByTestId("document").textContent).toBe("passport ••••6543");
    expect(within(row("c2")).getByTestId("document").textContent).toBe("—");
    await user.selectOptions(screen.getByLabelText("Rule"), "VELOCITY");
    await waitFor(() => expect(row("c1")).toBeNull());
    expect(row("c2")).not.toBeNull();
    await user.click(screen.getByLabelText("Assigned to me"));
    expect(await screen.findByText("No case matches these filters.")).toBeTruthy();
    expect(api.sent("Cases").at(-1)!.variables).toMatchObject({ rule: "VELOCITY", assigneeId: "officer-1" });
    await user.selectOptions(screen.getByLabelText("Status"), "closed");
    await waitFor(() => expect(api.sent("Cases").at(-1)!.variables).toMatchObject({ status: ["CLOSED_NO_ACTION", "SAR_FILED"] }));
  });

  it("when an officer assigns, notes and files a SAR, then each is sent; an empty note or a short narrative is refused before sending; the filed case is read-only", async () => {
    const { api, user } = setup();
    await screen.findByTestId("cases");
    await user.click(within(row("c1")).getByRole("button", { name: "Open" }));
    expect(within(panel("c1")).getByText("2 more deposits just under the threshold")).toBeTruthy();
    await user.click(within(panel("c1")).getByRole("button", { name: "Assign to me" }));
    await waitFor(() => expect(within(panel("c1")).getByText(/assigned to Olive Officer/)).toBeTruthy());
    expect(api.sent("AssignCase").map((c) => c.variables)).toEqual([{ id: "c1" }]);

    await user.click(within(panel("c1")).getByRole("button", { name: "Add note" }));
    expect(within(panel("c1")).getByRole("alert").textContent).toBe("Note is empty.");
    await user.type(within(panel("c1")).getByLabelText("Note"), "Asked for payslips");
    await user.click(within(panel("c1")).getByRole("button", { name: "Add note" }));
    await waitFor(() => expect(within(panel("c1")).getAllByTestId("case-note")).toHaveLength(1));
    expect(api.sent("AddCaseNote")[0].variables).toEqual({ id: "c1", text: "Asked for payslips" });

    await user.click(within(panel("c1")).getByLabelText("File SAR"));
    await user.type(within(panel("c1")).getByLabelText("SAR narrative"), "too short");
    await user.click(within(panel("c1")).getByRole("button", { name: "File SAR" }));
    expect(within(panel("c1")).getByRole("alert").textContent).toBe("SAR narrative needs at least 20 characters.");
    expect(api.sent("FileSar")).toHaveLength(0);
    const narrative = " Five deposits in a week, each under the threshold, 47,000 USD in total. ";
    await user.clear(within(panel("c1")).getByLabelText("SAR narrative"));
    await user.type(within(panel("c1")).getByLabelText("SAR narrative"), narrative);
    await user.click(within(panel("c1")).getByRole("button", { name: "File SAR" }));
    await waitFor(() => expect(within(panel("c1")).getByTestId("sar-filed").textContent).toContain("SAR-20261102-000007"));
    expect(api.sent("FileSar")[0].variables).toEqual({ id: "c1", narrative: narrative.trim() });
    expect(within(panel("c1")).getByText("This case is sar filed and can no longer change.")).toBeTruthy();
    expect(within(panel("c1")).queryByRole("button", { name: "Assign to me" })).toBeNull();
  });

  it("when the server refuses a step, then its reason is shown on the case", async () => {
    const { user } = setup({ closeCase: graphqlError("The case is CLOSED_NO_ACTION and can no longer change", "CONFLICT") });
    await screen.findByTestId("cases");
    await user.click(within(row("c2")).getByRole("button", { name: "Open" }));
    await user.click(within(panel("c2")).getByLabelText("Close with no action"));
    await user.type(within(panel("c2")).getByLabelText("Resolution"), "Explained by payroll");
    await user.click(within(panel("c2")).getByRole("button", { name: "Close with no action" }));
    expect((await within(panel("c2")).findByRole("alert")).textContent).toBe("The case is CLOSED_NO_ACTION and can no longer change");
  });
});
