/**
 * Throwaway DKIM keys (RSA and ed25519) for `domain`, with a stub DNS
 * resolver that publishes them, so mail is signed and verified offline.
 */
import { generateKeyPairSync } from 'node:crypto';
import { dkimSign, dkimVerify } from 'mailauth';

export function testDkim(domain = 'xmime-gateway.test') {
  const pem = (k) => k.export({ type: 'pkcs8', format: 'pem' });
  const spki = (k) => k.export({ type: 'spki', format: 'der' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = generateKeyPairSync('ed25519');
  const keys = {
    rsa: { selector: 'rsa', privateKey: pem(rsa.privateKey), txt: `v=DKIM1; k=rsa; p=${spki(rsa.publicKey).toString('base64')}` },
    // RFC 8463: an ed25519 record holds the bare 32-byte key, not the SPKI structure
    ed25519: { selector: 'ed', privateKey: pem(ed.privateKey), txt: `v=DKIM1; k=ed25519; p=${spki(ed.publicKey).subarray(-32).toString('base64')}` },
  };
  const dns = new Map(Object.values(keys).map((k) => [`${k.selector}._domainkey.${domain}`, k.txt]));
  const resolver = async (name, rrtype) => {
    if (rrtype === 'TXT' && dns.has(name)) return [[dns.get(name)]];
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };

  return {
    domain,
    /**
     * Prepends one DKIM-Signature field per entry of `sigs`.
     * @param {Uint8Array} mail
     * @param {{ key: 'rsa' | 'ed25519', canonicalization: string }[]} sigs
     */
    async sign(mail, sigs) {
      const signatureData = sigs.map(({ key, canonicalization }) => ({ signingDomain: domain, selector: keys[key].selector, privateKey: keys[key].privateKey, canonicalization }));
      // Without signTime, mailauth 4.13.3 reads the clock twice, for the signed t= and the written one; across
      // a half-second boundary they differ and the signature is bad (a few RSA signatures in a thousand).
      const { signatures, errors } = await dkimSign(Buffer.from(mail), { signatureData, signTime: new Date() });
      if (errors.length > 0) throw errors[0].err;
      // mailauth signs nothing, silently, when it finds no header section (no blank line after it, say)
      if (signatures.match(/^DKIM-Signature:/gim)?.length !== sigs.length) throw new Error('mailauth could not sign this mail');
      return Buffer.concat([Buffer.from(signatures), mail]);
    },
    /**
     * The verdicts of the signatures by `domain`: `result` 'pass', 'neutral',
     * 'fail'…, and `info` as in Authentication-Results. Other signatures (a
     * corpus mail's own) are left out.
     */
    async verify(mail) {
      const { results } = await dkimVerify(Buffer.from(mail), { resolver });
      return results.filter((r) => r.signingDomain === domain).map((r) => ({ result: r.status.result, info: r.info }));
    },
  };
}
