/**
 * Dates (RFC 5322 §3.3, §4.3): parsed into ISO 8601 as written, and
 * rendered back, side by side.
 * @module
 */
import { fail } from './kinds.js';
import { cfws } from './lexical.js';

export const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZONES: Record<string, string> = {
  UT: '+0000', GMT: '+0000', EST: '-0500', EDT: '-0400', CST: '-0600', CDT: '-0500', MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700',
};
export const cap = (w: string): string => w[0].toUpperCase() + w.slice(1).toLowerCase();
export const pad = (n: number | string, w = 2): string => String(n).padStart(w, '0');

/** The day of the week of a calendar date, or -1 if the date does not exist. */
function weekday(y: number, m: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? t.getUTCDay() : -1;
}

export function parseDate(s: string): string {
  let t = '';
  for (let i = 0; i < s.length; ) {
    const j = cfws(s, i); // comments count as white space
    if (j > i) (t += ' '), (i = j);
    else t += s[i++];
  }
  const m =
    /^ *(?:([A-Za-z]{3}) *, *)?(\d{1,2}) +([A-Za-z]{3}) +(\d{2,4}) +(\d\d?) *: *(\d\d)(?: *: *(\d\d))? +([+-]\d{4}|[A-Za-z]{1,5}) *$/.exec(
      t.replace(/\t/g, ' '),
    ) ?? fail();
  let y = +m[4];
  if (m[4].length === 2) y += y < 50 ? 2000 : 1900; // obs-year (§4.3)
  else if (m[4].length === 3) y += 1900;
  const mon = MONTHS.indexOf(cap(m[3])) + 1, day = +m[2], h = +m[5], min = +m[6];
  if (m[1] !== undefined && !DAYS.includes(cap(m[1]))) fail();
  if (mon === 0 || weekday(y, mon, day) < 0 || h > 23 || min > 59 || (m[7] !== undefined && +m[7] > 60)) fail();
  let zone = m[8].toUpperCase();
  if (!/^[+-]/.test(zone)) zone = ZONES[zone] ?? (/^[A-IK-Z]$/.test(zone) ? '-0000' : fail()); // military zones: unknown offset
  if (+zone.slice(1, 3) > 23 || +zone.slice(3) > 59) fail();
  const sec = m[7] === undefined ? '' : ':' + m[7];
  return `${pad(y, 4)}-${pad(mon)}-${pad(day)}T${pad(m[5])}:${m[6]}${sec}${zone.slice(0, 3)}:${zone.slice(3)}`;
}


/** The fields of an ISO 8601 date-time as a view holds it, and its weekday; throws a RangeError for anything else. */
function isoFields(iso: string): [RegExpExecArray, number] {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  const wd = m ? weekday(+m[1], +m[2], +m[3]) : -1;
  if (!m || wd < 0 || +m[4] > 23 || +m[5] > 59 || (m[6] !== undefined && +m[6] > 60) || (m[7] !== 'Z' && (+m[7].slice(1, 3) > 23 || +m[7].slice(4) > 59)))
    throw new RangeError(`not an ISO 8601 date-time: ${JSON.stringify(iso)}`);
  return [m, wd];
}

/** Throws the RangeError {@link renderDate} would. */
export function checkDate(iso: string): void {
  isoFields(iso);
}

export function renderDate(iso: string): string {
  const [m, wd] = isoFields(iso);
  const zone = m[7] === 'Z' ? '+0000' : m[7].replace(':', '');
  return `${DAYS[wd]}, ${m[3]} ${MONTHS[+m[2] - 1]} ${m[1]} ${m[4]}:${m[5]}${m[6] === undefined ? '' : ':' + m[6]} ${zone}`;
}

