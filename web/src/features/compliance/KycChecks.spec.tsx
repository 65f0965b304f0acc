import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { KycChecks, kycCheckLabel } from "./KycChecks";

describe("KYC checks as the customer sees them", () => {
  it("when checks are shown, then each has a readable name, never the server's internal id", () => {
    render(
      <KycChecks
        checks={[
          { name: "country_risk", passed: false, detail: "high-risk jurisdiction: IR" },
          { name: "mrz_check_digit_composite", passed: true, detail: null },
          { name: "some_future_check", passed: true, detail: null },
        ]}
      />,
    );
    const list = screen.getByTestId("kyc-checks");
    expect(list.textContent).toContain("Country risk");
    expect(list.textContent).toContain("Check digit: whole zone");
    expect(list.textContent).toContain("Some future check");
    expect(list.textContent).not.toMatch(/[a-z]+_[a-z]+/);
  });

  it("when an id has camel-case parts, then the fallback label splits them", () => {
    expect(kycCheckLabel("mrz_check_digit_newField")).toBe("Mrz check digit new field");
  });
});
