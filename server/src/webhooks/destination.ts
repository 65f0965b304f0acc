import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";

/**
 * Where a webhook may point. Server-side request forgery is the threat: a partner's URL must
 * not make this server reach its own network (metadata services, databases, admin ports). So
 * the host is resolved, every address it resolves to is judged, and the connection goes to the
 * address that was judged (a second resolution could answer differently: DNS rebinding).
 */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved and broadcast
] as const) {
  FORBIDDEN.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 96], // unspecified, loopback, IPv4-compatible
  ["64:ff9b::", 96], // NAT64: may translate to any IPv4 address
  ["64:ff9b:1::", 48],
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(net, prefix, "ipv6");
}

export class DestinationRefused extends Error {}

/** The eight 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail, if any). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split("%")[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split(".").map(Number);
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, null];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const middle = tail === null ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...middle, ...right].map((group) => parseInt(group, 16));
}

/** True when the address is one a webhook may not reach. IPv4-mapped IPv6 is judged as the IPv4 it maps. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return FORBIDDEN.check(address, "ipv4");
  if (family !== 6) return true;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const v4 = [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join(".");
    return FORBIDDEN.check(v4, "ipv4");
  }
  return FORBIDDEN.check(groups.map((g) => g.toString(16)).join(":"), "ipv6");
}

export interface CheckedDestination {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * Parses and judges a webhook URL: https only (http too when private destinations are allowed),
 * no credentials in it, and a host whose every address is public. Throws DestinationRefused.
 */
export function parseWebhookUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationRefused("not a valid URL");
  }
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) throw new DestinationRefused("the URL must use https");
  if (url.username || url.password) throw new DestinationRefused("the URL must not carry credentials");
  if (!url.hostname) throw new DestinationRefused("the URL has no host");
  return url;
}

/** Resolves the URL's host now and picks the address to connect to; refused when any address is not public. */
export async function checkDestination(raw: string, allowPrivate: boolean): Promise<CheckedDestination> {
  const url = parseWebhookUrl(raw, allowPrivate);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(host);
  let addresses: Array<{ address: string; family: number }>;
  if (literal) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw new DestinationRefused(`cannot resolve ${host}`);
    }
  }
  if (addresses.length === 0) throw new DestinationRefused(`cannot resolve ${host}`);
  // Every address, not just the first: a host that also resolves privately could be steered there.
  if (!allowPrivate && addresses.some(({ address }) => isForbiddenAddress(address))) {
    throw new DestinationRefused("the URL resolves to a private, loopback or link-local address");
  }
  const chosen = addresses[0];
  return { url, address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
}

export interface PostResult {
  status: number;
}

/**
 * POSTs `body` to the checked destination, connecting to the checked address whatever DNS says
 * now (TLS still verifies the certificate against the URL's host name). Redirects are answers,
 * not instructions: a 3xx is returned as the status and never followed.
 */
export function postTo(destination: CheckedDestination, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostResult> {
  const { url, address, family } = destination;
  const pinned = (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "BlockGuardian-Webhooks/1" },
        lookup: pinned as never,
        timeout: timeoutMs,
        agent: false,
      },
      (response) => {
        // The status is the answer; the body is never read, so an endless one cannot hold the delivery.
        clearTimeout(deadline);
        resolve({ status: response.statusCode ?? 0 });
        response.destroy();
      },
    );
    // The socket's idle timeout alone would let a receiver drip bytes for ever: the whole attempt has a deadline.
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    request.end(body);
  });
}
