import { expect } from "chai";
import { checkDestination, DestinationRefused, isForbiddenAddress } from "./destination";

describe("webhook destinations (server-side request forgery)", () => {
  it("when an address is private, loopback, link-local or otherwise internal, then it is forbidden, in IPv4, IPv6 and IPv4-mapped IPv6 alike", () => {
    for (const address of [
      "127.0.0.1", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
      "::1", "::", "fe80::1", "fd12:3456::1", "fc00::1", "ff02::1",
      "::ffff:127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:ffff:a9fe:a9fe", "::ffff:10.0.0.1", "64:ff9b::a00:1",
      "not an address",
    ]) {
      expect(isForbiddenAddress(address), address).to.equal(true);
    }
  });

  it("when an address is public, then it is allowed, mapped or not", () => {
    for (const address of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2a00:1450:4001:80b::200e"]) {
      expect(isForbiddenAddress(address), address).to.equal(false);
    }
  });

  it("when a URL is plain http, carries credentials or names a literal private host, then it is refused unless private destinations are allowed", async () => {
    for (const url of ["http://8.8.8.8/", "https://user:pw@8.8.8.8/", "https://[::ffff:127.0.0.1]/", "https://127.0.0.1:8443/", "ftp://8.8.8.8/", "not a url"]) {
      const refused = await checkDestination(url, false).then(() => null, (error: unknown) => error);
      expect(refused, url).to.be.instanceOf(DestinationRefused);
    }
    expect((await checkDestination("https://8.8.8.8/hook", false)).address).to.equal("8.8.8.8");
    expect((await checkDestination("http://127.0.0.1:9/hook", true)).address).to.equal("127.0.0.1");
  });
});
