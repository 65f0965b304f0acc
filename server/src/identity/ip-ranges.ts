import { BlockList, isIP } from "node:net";

/** An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`, as a dual-stack socket reports IPv4 peers) as the IPv4 it is. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/** `a.b.c.d/n`, `x:y::/n` or a bare address (one host); null when it is none of these. */
export function parseCidr(text: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } | null {
  const [rawAddress, rawPrefix, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const address = unmapped(rawAddress);
  const family = isIP(address);
  if (family === 0) return null;
  const max = family === 4 ? 32 : 128;
  if (rawPrefix !== undefined && !/^\d{1,3}$/.test(rawPrefix)) return null;
  const prefix = rawPrefix === undefined ? max : Number(rawPrefix);
  if (prefix > max) return null;
  return { address, prefix, family: family === 4 ? "ipv4" : "ipv6" };
}

/** The networks an API key may be used from; none means anywhere. */
export class IpRanges {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  constructor(cidrs: string[]) {
    this.empty = cidrs.length === 0;
    for (const cidr of cidrs) {
      const parsed = parseCidr(cidr);
      // Stored ranges were validated at creation; one that no longer parses allows nothing.
      if (parsed) this.list.addSubnet(parsed.address, parsed.prefix, parsed.family);
    }
  }

  allows(ip: string): boolean {
    if (this.empty) return true;
    const address = unmapped(ip);
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 4 ? "ipv4" : "ipv6");
  }
}
