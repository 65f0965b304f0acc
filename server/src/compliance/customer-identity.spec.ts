import { expect } from "chai";
import { maskDocumentNumber } from "./customer-identity";

describe("maskDocumentNumber", () => {
  it("when a document number is masked, then only its last 4 characters show, behind a mask that does not tell its length", () => {
    expect(maskDocumentNumber("L898902C3")).to.equal("••••02C3");
    expect(maskDocumentNumber("DRIVER1234567890")).to.equal("••••7890");
  });

  it("when the number is 8 characters or fewer, then at most half of it shows, never the whole of a short licence number", () => {
    expect(maskDocumentNumber("AB12345")).to.equal("••••345");
    expect(maskDocumentNumber("AB12")).to.equal("••••12");
    expect(maskDocumentNumber("A")).to.equal("••••");
  });
});
