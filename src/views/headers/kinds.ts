/**
 * The view kinds of header fields and their shapes (spec §7.6), and which
 * field names get which kind.
 * @module
 */

/** One mailbox. `name` absent: written as a bare addr-spec; `''`: in angle brackets with no display name. */
export interface Mailbox {
  /** Display name: RFC 2047 decoded, quoted strings unescaped, comments dropped, words joined by one space. */
  name?: string;
  /** The addr-spec as written, less comments and folding white space (a quoted local part keeps its quotes). */
  addr: string;
}

/** A named group of mailboxes (`Friends: a@b, c@d;`). */
export interface Group {
  group: string;
  members: Mailbox[];
}

/** A Content-Type or Content-Disposition parameter: name lower-cased, value fully decoded. */
export interface MediaParam {
  name: string;
  value: string;
}

/**
 * The decoded meaning of one header field.
 * - `text`: unstructured text; folds unfolded (their line ending removed, their
 *   white space kept), encoded words decoded, nothing else changed.
 * - `addresses`: mailboxes and groups in order; empty list elements dropped.
 * - `date`: `YYYY-MM-DDTHH:MM[:SS]±HH:MM`, the date and offset as written
 *   (seconds only if written; `-00:00` for an unknown offset: `-0000` and military zones).
 * - `ids`: the msg-ids without their angle brackets.
 * - `media`: `type/subtype` (Content-Type) or the disposition type, lower-cased;
 *   parameters in order, RFC 2231 sections merged into one at the first one's place.
 */
export type HeaderView =
  | { kind: 'text'; text: string }
  | { kind: 'addresses'; list: (Mailbox | Group)[] }
  | { kind: 'date'; iso: string }
  | { kind: 'ids'; ids: string[] }
  | { kind: 'media'; value: string; params: MediaParam[] };

export const KINDS = new Map<string, HeaderView['kind']>();
for (const n of ['subject', 'comments', 'keywords', 'content-description', 'thread-topic', 'organization']) KINDS.set(n, 'text');
for (const n of ['from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'disposition-notification-to'])
  KINDS.set(n, 'addresses');
for (const n of ['from', 'sender', 'to', 'cc', 'bcc']) KINDS.set('resent-' + n, 'addresses');
for (const n of ['date', 'resent-date']) KINDS.set(n, 'date');
for (const n of ['message-id', 'in-reply-to', 'references', 'resent-message-id', 'content-id']) KINDS.set(n, 'ids');
for (const n of ['content-type', 'content-disposition']) KINDS.set(n, 'media');

/**
 * The kind of view a field gets, by its name (case-insensitive); `null` for
 * fields without one. `X-` fields are text.
 *
 * @example
 * viewKind('Subject');   // 'text'
 * viewKind('Received');  // null
 */
export function viewKind(name: string): HeaderView['kind'] | null {
  let k = kindOf.get(name);
  if (k === undefined) {
    const n = name.toLowerCase();
    k = KINDS.get(n) ?? (n.startsWith('x-') ? 'text' : null);
    if (kindOf.size >= 1024) kindOf.clear(); // bounded: names come from the input
    kindOf.set(name, k);
  }
  return k;
}
/** viewKind by the name as written (a few dozen names, asked for several times per field). */
export const kindOf = new Map<string, HeaderView['kind'] | null>();

/** Thrown inside the parsers; {@link headerView} turns it into `null`. */
export class Unparseable extends Error {}
export function fail(): never {
  throw new Unparseable();
}
