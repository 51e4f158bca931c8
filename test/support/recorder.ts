/**
 * Stage tests through recorded events (as htmlparser2 tests its tokenizer):
 * a Sink that writes each event as one readable line, and a replay of those
 * events into another stage.
 */
import { Eol } from '../../src/core/eol.js';
import { type Attrs, Kind, newAttrs, type Sink } from '../../src/xmime/events.js';
import { TAG } from '../../src/xmime/schema.js';

const EOL = ['none', 'lf', 'crlf'];
const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

/** What a sink received, as the event and its copy. */
export type Event = { open: Kind; a: Attrs } | { text: Uint8Array } | { chars: string } | { close: Kind };

export class Recorder implements Sink {
  readonly events: Event[] = [];

  open(kind: Kind, a: Attrs): void {
    const c = { ...a };
    for (const k of ['name', 'sep', 'boundary', 'pad'] as const) c[k] = a[k] === null ? null : a[k]!.slice();
    this.events.push({ open: kind, a: c });
  }

  text(d: Uint8Array, s: number, e: number): void {
    this.events.push({ text: d.slice(s, e) });
  }

  chars(c: string | Uint8Array): void {
    this.events.push({ chars: typeof c === 'string' ? c : new TextDecoder().decode(c) });
  }

  close(kind: Kind): void {
    this.events.push({ close: kind });
  }

  /** One line per event; consecutive text events joined (their cut depends on chunking). */
  lines(): string[] {
    const out: string[] = [];
    for (const e of this.events) {
      if ('text' in e && out.length > 0 && out[out.length - 1].startsWith('text ')) {
        out[out.length - 1] = `text ${JSON.stringify(JSON.parse(out[out.length - 1].slice(5)) + latin1(e.text))}`;
      } else out.push(line(e));
    }
    return out;
  }
}

function line(e: Event): string {
  if ('text' in e) return `text ${JSON.stringify(latin1(e.text))}`;
  if ('chars' in e) return `chars ${JSON.stringify(e.chars)}`;
  if ('close' in e) return `/${TAG[e.close]}`;
  const a = e.a, parts: string[] = [TAG[e.open]];
  const bytes = (n: string, v: Uint8Array | null) => v !== null && parts.push(`${n}=${JSON.stringify(latin1(v))}`);
  switch (e.open) {
    case Kind.Mime: parts.push(`eol=${EOL[a.eol]}`); break;
    case Kind.Header: bytes('name', a.name); bytes('sep', a.sep); parts.push(`end=${EOL[a.end]}`); break;
    case Kind.FromLine: case Kind.Headers: parts.push(`end=${EOL[a.end]}`); break;
    case Kind.Multipart: bytes('boundary', a.boundary); break;
    case Kind.Part: case Kind.Epilogue: parts.push(`before=${EOL[a.before]}`, `after=${EOL[a.after]}`); bytes('pad', a.pad !== null && a.pad.length > 0 ? a.pad : null); break;
    case Kind.Text: parts.push(`charset=${a.form!.charset}`, `transfer=${a.form!.transfer}`, `eol=${EOL[a.form!.eol]}`); break;
    case Kind.Mailbox: if (a.label !== null) parts.push(`name=${JSON.stringify(a.label)}`); parts.push(`addr=${JSON.stringify(a.addr)}`); break;
    case Kind.Group: case Kind.Param: parts.push(`name=${JSON.stringify(a.label)}`); break;
    case Kind.Media: parts.push(`value=${JSON.stringify(a.value)}`); break;
  }
  return parts.join(' ');
}

/** Feeds recorded events into `sink`, as their producer did. */
export function replay(events: Event[], sink: Sink): void {
  const a = newAttrs();
  for (const e of events) {
    if ('open' in e) sink.open(e.open, Object.assign(a, e.a));
    else if ('text' in e) sink.text(e.text, 0, e.text.length);
    else if ('chars' in e) sink.chars(e.chars);
    else sink.close(e.close);
  }
}

export { Eol };
