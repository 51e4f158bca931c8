#!/bin/bash
# Scale figures of bench/RESULTS.md "Mailboxes": a 1 GiB mbox and a 100,000-message Maildir,
# both ways with xmime (file to file, peak RSS by /usr/bin/time), checked byte for byte before
# any figure is kept, beside Python's mailbox+email and git mailsplit doing the same job.
# Usage: bench/mailbox.sh [WORKDIR] [SIZE_BYTES] [MESSAGES]   (after npm run build; inputs are built in WORKDIR)
set -euo pipefail
W=${1:-/tmp/xmime-mailbox-bench}; SIZE=${2:-1073741824}; N=${3:-100000}
R=$(cd "$(dirname "$0")/.." && pwd); X="$R/dist/node/cli.js"
mkdir -p "$W"; cd "$W"
[ -f big.mbox ] && [ -d maildir ] || node "$R/bench/mailbox-inputs.mjs" "$W" "$SIZE" "$N"
t() { /usr/bin/time -f "%e %M" -o "$W/.t" "$@"; read -r s kb < "$W/.t"; printf '| %s | %s s | %d MB |\n' "$LABEL" "$s" $((kb / 1024)); }
echo "| job | time | peak RSS |"; echo "|---|---:|---:|"
LABEL="xmime encode --mbox (1 GiB, readable)" t node "$X" encode --mbox big.mbox -o big.xml
LABEL="xmime decode (the same document)" t node "$X" decode big.xml -o back.mbox
cmp -s back.mbox big.mbox || { echo "FAIL: mbox round trip differs"; exit 1; }
LABEL="xmime encode --mbox --wire" t node "$X" encode --mbox --wire big.mbox -o wire.xml
LABEL="xmime decode (wire document)" t node "$X" decode wire.xml -o back2.mbox
cmp -s back2.mbox big.mbox || { echo "FAIL: wire mbox round trip differs"; exit 1; }
rm -f back.mbox back2.mbox wire.xml
LABEL="Python mailbox+email: read, parse every message, write a new mbox" t python3 - <<'PY'
import mailbox, email, email.policy, sys
src = mailbox.mbox('big.mbox', create=False); dst = mailbox.mbox('py.mbox'); dst.lock()
for m in src:
    dst.add(email.message_from_bytes(m.as_bytes(), policy=email.policy.compat32))
dst.flush(); dst.unlock()
PY
cmp -s py.mbox big.mbox && echo "(Python: byte-exact)" || echo "(Python: not byte-exact: $(cmp py.mbox big.mbox 2>&1 | head -1); sizes $(stat -c %s big.mbox) → $(stat -c %s py.mbox))"
rm -f py.mbox
rm -rf split; mkdir split
LABEL="git mailsplit (to one file per message; no way back)" t git mailsplit -osplit big.mbox
echo "(git mailsplit: $(ls split | wc -l) files, $(cat split/* | wc -c) bytes of $(stat -c %s big.mbox))"
rm -rf split
LABEL="xmime encode --tree (Maildir, $N messages)" t node "$X" encode --tree maildir -o maildir.xml
rm -rf maildir.out
LABEL="xmime decode (to a new Maildir)" t node "$X" decode maildir.xml -o maildir.out
diff -r maildir maildir.out >/dev/null || { echo "FAIL: Maildir round trip differs"; exit 1; }
[ "$(cd maildir && find . -printf '%p %T@\n' | sort | md5sum)" = "$(cd maildir.out && find . -printf '%p %T@\n' | sort | md5sum)" ] || echo "(mtimes differ below the microsecond: Node's utimes)"
rm -rf maildir.out maildir-py
LABEL="Python mailbox.Maildir+email: read, parse, write a new Maildir" t python3 - <<'PY'
import mailbox, email, email.policy
src = mailbox.Maildir('maildir', factory=None, create=False); dst = mailbox.Maildir('maildir-py', create=True)
for key in src.iterkeys():
    dst.add(mailbox.MaildirMessage(email.message_from_bytes(src.get_bytes(key), policy=email.policy.compat32)))
PY
echo "(Python Maildir: $(ls maildir-py/new maildir-py/cur | grep -c '^[0-9]') files; names and flags not kept, e.g. $(ls maildir-py/new | head -1))"
rm -rf maildir-py
