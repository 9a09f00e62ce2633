/** Outcome of compiling a CIDR block: a membership test, or why the block is malformed. */
export type CidrCompileResult = { ok: true; test: (value: string) => boolean } | { ok: false; reason: string };

const DOT = 46;
const ZERO = 48;
const NINE = 57;

/**
 * Parses a dotted-quad IPv4 address into an unsigned 32-bit integer without allocating.
 * Returns `undefined` for anything else (hostnames, out-of-range octets, missing octets).
 *
 * @example
 * ```ts
 * parseIPv4('10.0.0.1'); // 167772161
 * parseIPv4('10.0.0'); // undefined
 * ```
 */
export function parseIPv4(text: string): number | undefined {
  return parseIPv4Range(text, 0, text.length);
}

function parseIPv4Range(text: string, start: number, end: number): number | undefined {
  let result = 0;
  let octets = 0;
  let index = start;
  while (octets < 4) {
    let value = 0;
    let digits = 0;
    while (index < end) {
      const code = text.charCodeAt(index);
      if (code < ZERO || code > NINE) break;
      value = value * 10 + (code - ZERO);
      digits++;
      index++;
    }
    if (digits === 0 || digits > 3 || value > 255) return undefined;
    result = result * 256 + value;
    octets++;
    if (octets < 4) {
      if (index >= end || text.charCodeAt(index) !== DOT) return undefined;
      index++;
    }
  }
  return index === end ? result : undefined;
}

/**
 * Parses an IPv6 address (full, `::`-compressed, or with a trailing dotted IPv4 part) into 16 bytes.
 * Returns `undefined` when the text is not an IPv6 address literal (zone ids such as `%eth0` included).
 *
 * @example
 * ```ts
 * parseIPv6('2001:db8::1'); // Uint8Array [0x20, 0x01, 0x0d, 0xb8, 0, …, 1]
 * ```
 */
export function parseIPv6(text: string): Uint8Array | undefined {
  if (text.indexOf(':') === -1) return undefined;
  const doubleColon = text.indexOf('::');
  if (doubleColon !== -1 && text.indexOf('::', doubleColon + 1) !== -1) return undefined;
  const head = doubleColon === -1 ? text : text.slice(0, doubleColon);
  const tail = doubleColon === -1 ? '' : text.slice(doubleColon + 2);
  const headGroups = parseGroups(head);
  const tailGroups = parseGroups(tail);
  if (headGroups === undefined || tailGroups === undefined) return undefined;
  const total = headGroups.length + tailGroups.length;
  if (doubleColon === -1 ? total !== 8 : total > 7) return undefined;
  const bytes = new Uint8Array(16);
  for (let i = 0; i < headGroups.length; i++) writeGroup(bytes, i, headGroups[i] ?? 0);
  for (let i = 0; i < tailGroups.length; i++) writeGroup(bytes, 8 - tailGroups.length + i, tailGroups[i] ?? 0);
  return bytes;
}

/** Splits `a:b:c` (possibly ending in a dotted IPv4 part) into 16-bit groups. */
function parseGroups(part: string): number[] | undefined {
  if (part === '') return [];
  const pieces = part.split(':');
  const groups: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] ?? '';
    if (i === pieces.length - 1 && piece.indexOf('.') !== -1) {
      const v4 = parseIPv4(piece);
      if (v4 === undefined) return undefined;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
    } else {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(piece)) return undefined;
      groups.push(Number.parseInt(piece, 16));
    }
  }
  return groups;
}

function writeGroup(bytes: Uint8Array, groupIndex: number, group: number): void {
  bytes[groupIndex * 2] = group >> 8;
  bytes[groupIndex * 2 + 1] = group & 0xff;
}

/** `::ffff:a.b.c.d` carries an IPv4 address; like Java's `InetAddress`, treat it as that IPv4 address. */
function ipv4FromMapped(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return undefined;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return undefined;
  return (bytes[12] ?? 0) * 16777216 + (bytes[13] ?? 0) * 65536 + (bytes[14] ?? 0) * 256 + (bytes[15] ?? 0);
}

/**
 * Compiles a CIDR block (`10.0.0.0/24`, `2001:db8::/32`) into a membership test on address strings.
 * Mask bits follow AWS Event Ruler: 0–31 for IPv4, 0–127 for IPv6. Values that are not IP address
 * literals never match.
 *
 * @example
 * ```ts
 * const result = compileCidr('10.0.0.0/24');
 * if (result.ok) result.test('10.0.0.33'); // true
 * ```
 */
export function compileCidr(cidr: string): CidrCompileResult {
  const slash = cidr.indexOf('/');
  if (slash === -1 || cidr.indexOf('/', slash + 1) !== -1) {
    return { ok: false, reason: 'malformed CIDR, exactly one "/" is required' };
  }
  const bitsText = cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return { ok: false, reason: 'malformed CIDR, mask bits must be an integer' };
  const bits = Number(bitsText);
  const address = cidr.slice(0, slash);
  const v4 = parseIPv4(address);
  if (v4 !== undefined) {
    if (bits > 31) return { ok: false, reason: 'IPv4 mask bits must be < 32' };
    return { ok: true, test: ipv4Test(v4, bits) };
  }
  const v6 = parseIPv6(address);
  if (v6 === undefined) return { ok: false, reason: `invalid IP address "${address}"` };
  if (bits > 127) return { ok: false, reason: 'IPv6 mask bits must be < 128' };
  return { ok: true, test: ipv6Test(v6, bits) };
}

function ipv4Test(network: number, bits: number): (value: string) => boolean {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const base = (network & mask) >>> 0;
  return (value) => {
    let address = parseIPv4(value);
    if (address === undefined) {
      if (value.indexOf(':') === -1) return false;
      const v6 = parseIPv6(value);
      address = v6 === undefined ? undefined : ipv4FromMapped(v6);
      if (address === undefined) return false;
    }
    return (address & mask) >>> 0 === base;
  };
}

function ipv6Test(network: Uint8Array, bits: number): (value: string) => boolean {
  const fullBytes = bits >> 3;
  const restBits = bits & 7;
  const restMask = restBits === 0 ? 0 : (0xff << (8 - restBits)) & 0xff;
  return (value) => {
    if (value.indexOf(':') === -1) return false;
    const address = parseIPv6(value);
    if (address === undefined) return false;
    for (let i = 0; i < fullBytes; i++) if (address[i] !== network[i]) return false;
    if (restMask === 0) return true;
    return ((address[fullBytes] ?? 0) & restMask) === ((network[fullBytes] ?? 0) & restMask);
  };
}
