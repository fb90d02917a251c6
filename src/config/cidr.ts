/**
 * IPv4 CIDR blocks as the VPCs take them (the same rule as the network construct: a /16
 * to /24 whose address is its network address), and whether two blocks overlap (peered
 * VPCs must not).
 */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The block, or the reason it is not one a VPC can have. */
export function parseCidr(text: string): Cidr | { readonly problem: string } {
  const match = CIDR.exec(text);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : NaN;
  if (!match || octets.some((o) => o > 255) || prefix > 32) {
    return { problem: `must be an IPv4 CIDR block such as 10.10.0.0/16 (got "${text}")` };
  }
  if (prefix < 16 || prefix > 24) {
    return { problem: `must be a /16 to /24 (a VPC's size), got /${prefix} in "${text}"` };
  }
  const base = octets.reduce((n, o) => n * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) {
    return {
      problem: `must start at its network address: ${formatIp(base - (base % size))}/${prefix}, not "${text}"`,
    };
  }
  return { base, prefix };
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefix);
  const bEnd = b.base + 2 ** (32 - b.prefix);
  return a.base < bEnd && b.base < aEnd;
}
