import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { graphqlError, scriptedClient } from "../../test/client";
import { ApiKeys } from "./ApiKeys";
import { Webhooks } from "./Webhooks";

const hook = { __typename: "Webhook", id: "w1", url: "https://partner.example/hooks", events: ["FILL", "TRANSACTION"], createdAt: "2026-11-28T10:00:00.000Z", lastDeliveryAt: null, lastStatus: null };

describe("webhooks on the account page", () => {
  it("when a webhook is added, then the URL and ticked events are sent and the secret is shown once", async () => {
    let created = false;
    const api = scriptedClient({
      Webhooks: () => ({ data: { webhooks: created ? [hook] : [] } }),
      CreateWebhook: () => {
        created = true;
        return { data: { createWebhook: { __typename: "WebhookWithSecret", secret: "whsec_shown_once", webhook: hook } } };
      },
    });
    render(<Webhooks />, { wrapper: api.wrapper });
    const user = userEvent.setup();
    expect(await screen.findByText("No webhooks yet.")).toBeTruthy();
    await user.type(screen.getByLabelText("Endpoint URL"), "https://partner.example/hooks");
    await user.click(screen.getByRole("checkbox", { name: /Deposits and withdrawals/ }));
    await user.click(screen.getByRole("button", { name: "Add webhook" }));
    expect((await screen.findByTestId("webhook-secret")).textContent).toContain("whsec_shown_once");
    expect(api.sent("CreateWebhook")[0].variables).toEqual({ url: "https://partner.example/hooks", events: ["FILL", "TRANSACTION"] });
    expect((await screen.findByTestId("webhooks")).textContent).toContain("https://partner.example/hooks");
    await user.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByText(/whsec_shown_once/)).toBeNull();
  });

  it("when the server refuses the URL, then its reason is shown", async () => {
    const api = scriptedClient({
      Webhooks: () => ({ data: { webhooks: [] } }),
      CreateWebhook: () => graphqlError("url refused: the URL resolves to a private, loopback or link-local address", "BAD_USER_INPUT"),
    });
    render(<Webhooks />, { wrapper: api.wrapper });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Endpoint URL"), "https://10.0.0.1/");
    await user.click(screen.getByRole("button", { name: "Add webhook" }));
    expect((await screen.findByTestId("form-error")).textContent).toMatch(/private/);
    expect(screen.queryByTestId("webhook-secret")).toBeNull();
  });
});

describe("API key restrictions on the account page", () => {
  it("when a key is limited, then its expiry, networks and portfolios are sent and shown in the list", async () => {
    const key = {
      __typename: "ApiKey", id: "k1", name: "recon", prefix: "bgk_0123456789ab", scopes: ["trade"], createdAt: "2026-11-28T10:00:00.000Z",
      lastUsedAt: null, revokedAt: null, expiresAt: "2027-01-31T23:59:59.999Z", allowedIps: ["203.0.113.0/24"], portfolioIds: ["p1"],
    };
    let created = false;
    const portfolios = [{ __typename: "Portfolio", id: "p1", name: "Partner book" }, { __typename: "Portfolio", id: "p2", name: "Private" }];
    const api = scriptedClient({
      ApiKeys: () => ({ data: { apiKeys: created ? [key] : [], portfolios } }),
      CreateApiKey: () => {
        created = true;
        return { data: { createApiKey: { __typename: "ApiKeyWithSecret", secret: "bgk_0123456789ab.secret", apiKey: key } } };
      },
    });
    render(<ApiKeys />, { wrapper: api.wrapper });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Key name"), "recon");
    await user.click(screen.getByRole("checkbox", { name: /Market data/ }));
    await user.click(screen.getByRole("checkbox", { name: /Place and cancel orders/ }));
    await user.type(screen.getByLabelText("Expires after (UTC day, optional)"), "2027-01-31");
    await user.type(screen.getByLabelText("Allowed networks (optional)"), "203.0.113.0/24");
    await user.click(screen.getByRole("checkbox", { name: "Partner book" }));
    await user.click(screen.getByRole("button", { name: "Create key" }));
    await screen.findByTestId("api-key-secret");
    expect(api.sent("CreateApiKey")[0].variables).toEqual({
      name: "recon", scopes: ["trade"], expiresAt: "2027-01-31T23:59:59.999Z", allowedIps: ["203.0.113.0/24"], portfolioIds: ["p1"],
    });
    await waitFor(() => expect(screen.getByTestId("key-limits").textContent).toContain("from 203.0.113.0/24; on Partner book"));
  });
});
