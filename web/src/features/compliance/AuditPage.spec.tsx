import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { scriptedClient } from "../../test/client";
import { AuditPage } from "./AuditPage";

const event = (seq: number) => ({
  __typename: "AuditEvent",
  seq: String(seq),
  eventType: "kyc.decided",
  entityType: "kyc_verification",
  entityId: `k${seq}-0000-0000`,
  userId: seq % 2 ? "0b8f8a52-7a3e-4a39-9d0b-3f0f3e1c2a11" : null,
  user: seq % 2 ? { __typename: "User", id: "0b8f8a52-7a3e-4a39-9d0b-3f0f3e1c2a11", firstName: "Olive", lastName: "Officer" } : null,
  timestamp: "2026-11-24T12:00:00.000Z",
  hash: `h${seq}`.padEnd(64, "0"),
  prevHash: `h${seq - 1}`.padEnd(64, "0"),
});

const page = (from: number, count: number, hasNextPage: boolean) => ({
  data: {
    auditLog: {
      __typename: "AuditEventConnection",
      edges: Array.from({ length: count }, (_, i) => ({ __typename: "AuditEventEdge", cursor: `c${from - i}`, node: event(from - i) })),
      pageInfo: { __typename: "PageInfo", endCursor: `c${from - count + 1}`, hasNextPage },
    },
  },
});

describe("audit log", () => {
  it("when older events are asked for, then the next page is fetched after the last cursor and appended", async () => {
    const api = scriptedClient({
      AuditLog: ({ after }) => (after ? page(25, 15, false) : page(40, 15, true)),
      VerifyAuditChain: () => ({ data: { verifyAuditChain: { __typename: "AuditChainVerification", valid: false, checkedEvents: 40, firstInvalidSeq: "17" } } }),
    });
    render(<AuditPage />, { wrapper: api.wrapper });
    const user = userEvent.setup();
    await screen.findByTestId("audit-log");
    expect(screen.getAllByRole("row")).toHaveLength(16);
    await user.click(screen.getByRole("button", { name: "Older events" }));
    await waitFor(() => expect(screen.getAllByRole("row")).toHaveLength(31));
    expect(api.sent("AuditLog")[1].variables).toMatchObject({ first: 15, after: "c26" });
    expect(screen.queryByRole("button", { name: "Older events" })).toBeNull();

    await user.click(screen.getByRole("button", { name: "Verify chain" }));
    expect((await screen.findByText(/Chain broken at event #17/)).textContent).toBe("Chain broken at event #17 (40 events checked).");
  });

  it("when filters are applied, then the event type, the person chosen by name and whole UTC days go to the API as [from, to)", async () => {
    const olive = { __typename: "User", id: "0b8f8a52-7a3e-4a39-9d0b-3f0f3e1c2a11", firstName: "Olive", lastName: "Officer", email: "olive@example.com" };
    const api = scriptedClient({
      AuditLog: () => page(3, 3, false),
      FindPeople: ({ search }) => ({ data: { users: String(search).toLowerCase().startsWith("oli") ? [olive] : [] } }),
    });
    render(<AuditPage />, { wrapper: api.wrapper });
    const user = userEvent.setup();
    await screen.findByTestId("audit-log");
    // Who acted is named, not shown as an id; events without an actor are the system's.
    expect(screen.getAllByText("Olive Officer")).toHaveLength(2);
    expect(screen.getAllByText("system")).toHaveLength(1);
    await user.type(screen.getByLabelText("User"), "zz");
    expect(await screen.findByText("Nobody matches.")).toBeTruthy();
    await user.clear(screen.getByLabelText("User"));
    await user.type(screen.getByLabelText("User"), "Oli");
    await user.click(await screen.findByRole("button", { name: /Olive Officer/ }));
    expect(api.sent("FindPeople").at(-1)!.variables).toEqual({ search: "Oli" });
    expect(screen.getByTestId("chosen-person").textContent).toContain("Olive Officer");
    await user.type(screen.getByLabelText("Event type"), "compliance.case_closed");
    await user.type(screen.getByLabelText("From (UTC day)"), "2026-11-01");
    await user.type(screen.getByLabelText("To (UTC day)"), "2026-11-30");
    await user.click(screen.getByRole("button", { name: "Filter" }));
    await waitFor(() => expect(api.sent("AuditLog")).toHaveLength(2));
    expect(api.sent("AuditLog")[1].variables).toEqual({
      first: 15,
      eventType: "compliance.case_closed",
      userId: "0b8f8a52-7a3e-4a39-9d0b-3f0f3e1c2a11",
      from: "2026-11-01T00:00:00.000Z",
      to: "2026-12-01T00:00:00.000Z",
    });
    await user.click(screen.getByRole("button", { name: "Clear user" }));
    await user.click(screen.getByRole("button", { name: "Filter" }));
    await waitFor(() => expect(api.sent("AuditLog").at(-1)!.variables).not.toHaveProperty("userId"));
  });
});
