import { BlockList, isIP } from 'node:net';

// Loopback, private, link-local (cloud metadata), carrier-grade NAT, benchmarking, multicast and
// reserved ranges: a callback must not make the server call into its own network. IPv4-mapped
// IPv6 addresses (::ffff:10.0.0.1) are checked against the IPv4 rules by BlockList.
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** True for localhost names and literal addresses of private, loopback or reserved networks. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  if (family === 4) return PRIVATE.check(host, 'ipv4');
  if (family === 6) return PRIVATE.check(host, 'ipv6');
  return false;
}

/** Why a callback URL is refused; each face words it in its own terms. */
export type CallbackUrlProblem = 'not_a_url' | 'not_http' | 'has_credentials' | 'private_network';

/**
 * Checks a callback URL given by an API client: absolute http(s), no credentials in it (they
 * travel apart from the URL), and, unless allowed, not a private-network host. Host names are
 * checked as written; the delivery must check the addresses they resolve to. Returns the
 * normalised URL, or the problem.
 */
export function checkCallbackUrl(raw: string, opts: { allowPrivate: boolean }): { url: string } | { problem: CallbackUrlProblem } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { problem: 'not_a_url' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'not_http' };
  if (url.username || url.password) return { problem: 'has_credentials' };
  if (!opts.allowPrivate && isPrivateHost(url.hostname)) return { problem: 'private_network' };
  return { url: url.toString() };
}
