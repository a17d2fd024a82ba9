import { createHash } from 'node:crypto';

/*
 * Loop renders ids as 24-hex strings (MongoDB ObjectIds). Ours are integer keys rendered as an
 * 8-hex tag naming the kind of thing followed by 16 hex of the key XOR a per-kind mask: stable,
 * reversible, and an id of one kind never decodes as another (a location id sent as a contactId
 * is a 404, not someone else's row).
 */
export type LoopIdKind = 'guest' | 'employee' | 'location' | 'looptype' | 'customfield' | 'loop' | 'activity' | 'survey' | 'question' | 'option' | 'response';

// Keys are `serial` (int4) on PostgreSQL: a larger number names no row, and comparing it with an
// int4 column is an out-of-range error there, so such an id decodes as unknown (a 404).
const MAX = 2_147_483_647n;

function digest(kind: string): string {
  return createHash('sha256').update(`openstay-loop-id:${kind}`).digest('hex');
}

const codecs = new Map<string, { tag: string; mask: bigint }>();
function codec(kind: LoopIdKind) {
  let c = codecs.get(kind);
  if (!c) {
    const d = digest(kind);
    c = { tag: d.slice(0, 8), mask: BigInt(`0x${d.slice(8, 24)}`) & 0x7fffffffffffffffn };
    codecs.set(kind, c);
  }
  return c;
}

export function encodeId(kind: LoopIdKind, id: number): string {
  const { tag, mask } = codec(kind);
  return tag + (BigInt(id) ^ mask).toString(16).padStart(16, '0');
}

/**
 * The integer key behind a Loop id of `kind`, or undefined when it is not an id this face issued.
 * Only the exact spelling encodeId produces is one: another case, spaces around it or any other
 * length is unknown (the face's 404), never a second name of the same row. Ids are not known by
 * their length either: Loop's own examples carry 25-character ids, which are simply not ours.
 */
export function decodeId(kind: LoopIdKind, value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^[0-9a-f]{24}$/.test(value)) return undefined;
  const { tag, mask } = codec(kind);
  if (!value.startsWith(tag)) return undefined;
  const n = BigInt(`0x${value.slice(8)}`) ^ mask;
  if (n <= 0n || n > MAX) return undefined;
  const id = Number(n);
  return encodeId(kind, id) === value ? id : undefined;
}
