/**
 * Namespaces in XML 1.0 (https://www.w3.org/TR/xml-names/): the prefixes in
 * scope as elements open and close. Shared by the tokenizer and by the
 * embedding code that reads host documents.
 * @module
 */

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/**
 * Whether `prefix` ('' for the default namespace) may be bound to `uri`
 * (Namespaces in XML §3: `xml` only to its URI and that URI only to `xml`,
 * `xmlns` never, and a prefix never to the empty string).
 */
export function legalDeclaration(prefix: string, uri: string): boolean {
  return !(prefix === 'xmlns' || (prefix === 'xml') !== (uri === XML_NS) || uri === XMLNS_NS || (prefix !== '' && uri === ''));
}

export class NamespaceScope {
  /** Bindings of each prefix, innermost last. */
  private readonly bindings = new Map<string, string[]>([['xml', [XML_NS]]]);
  /** Prefixes bound by the open elements, in order, and how many each element bound. */
  private readonly bound: string[] = [];
  private readonly added: number[] = [];

  /** Binds `prefix` for the element about to {@link enter}. */
  declare(prefix: string, uri: string): void {
    const uris = this.bindings.get(prefix);
    if (uris === undefined) this.bindings.set(prefix, [uri]);
    else uris.push(uri);
    this.bound.push(prefix);
  }

  /** An element opens, having declared `count` prefixes. */
  enter(count: number): void {
    this.added.push(count);
  }

  /** The innermost element closes: its declarations go out of scope. */
  leave(): void {
    for (let k = this.added.pop()!; k > 0; k--) this.bindings.get(this.bound.pop()!)!.pop();
  }

  /** The URI `prefix` is bound to; null for no namespace (an unbound or undeclared default); undefined for an undeclared prefix. */
  resolve(prefix: string): string | null | undefined {
    const uris = this.bindings.get(prefix);
    if (uris !== undefined && uris.length > 0) return uris[uris.length - 1] === '' ? null : uris[uris.length - 1];
    return prefix === '' ? null : undefined;
  }
}
