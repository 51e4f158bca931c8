#!/bin/bash
# Throughput of `xmime convert` (issue 18), bench/RESULTS.md "Archive conversion": the 1 GiB mbox and the
# 100,000-message Maildir of bench/mailbox-inputs.mjs, readable (the default), with -j 1 and -j 2,
# each output checked before its figure is printed (-j 1 and -j 2 documents equal, and decoded back
# byte for byte), beside Python mailbox+email parsing the same input and git mailsplit splitting it.
# Usage: bench/convert.sh [WORKDIR] [mbox|maildir|python|all]   (after npm run build; inputs built in WORKDIR)
set -euo pipefail
W=${1:-/tmp/xmime-convert-bench}; WHAT=${2:-all}
R=$(cd "$(dirname "$0")/.." && pwd); X="$R/dist/node/cli.js"
mkdir -p "$W"; cd "$W"
[ -f big.mbox ] && [ -d maildir ] || node "$R/bench/mailbox-inputs.mjs" "$W"
MB=$(stat -c %s big.mbox); MSGS=$(cat big.count); MDB=$(du -sb maildir | cut -f1); MDN=$(find maildir -type f -path '*/cur/*' -o -type f -path '*/new/*' | wc -l)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
row() { # LABEL BYTES MESSAGES: wall time, CPU time (user+system), MB/s, mails/s, peak RSS from $W/.t
  read -r s kb u y < "$W/.t"
  awk -v l="$1" -v b="$2" -v m="$3" -v s="$s" -v kb="$kb" -v c="$(echo "$u + $y" | bc)" -v la="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN { printf "| %s | %.1f s | %.1f s | %.1f MB/s | %.0f mails/s | %d MB | %s |\n", l, s, c, b / 1e6 / s, m / s, kb / 1024, la }'
}
t() { /usr/bin/time -f "%e %M %U %S" -o "$W/.t" "$@"; }
echo "| job | wall time | CPU time | MB/s | mails/s | peak RSS | load after |"; echo "|---|---:|---:|---:|---:|---:|---:|"
if [ "$WHAT" = mbox ] || [ "$WHAT" = all ]; then
  rm -rf o1 o2 back; mkdir -p in && ln -f big.mbox in/big.mbox
  t node "$X" convert in -o o1 -j 1 -q --manifest m1.csv; L1=$(row "xmime convert -j 1 (1 GiB mbox, readable, manifest)" "$MB" "$MSGS")
  t node "$X" convert in -o o2 -j 2 -q --manifest m2.csv; L2=$(row "xmime convert -j 2 (the same)" "$MB" "$MSGS")
  cmp o1/in/big.mbox.xml o2/in/big.mbox.xml && cmp m1.csv m2.csv || { echo "FAIL: -j 1 and -j 2 differ"; exit 1; }
  [ "$(($(wc -l < m1.csv) - 1))" = "$MSGS" ] || { echo "FAIL: manifest rows $(($(wc -l < m1.csv) - 1)) != $MSGS"; exit 1; }
  t node "$X" convert --decode o2/in -o back -j 2 -q; L3=$(row "xmime convert --decode -j 2 (back to the mbox)" "$MB" "$MSGS")
  cmp back/in/big.mbox big.mbox || { echo "FAIL: the mbox does not come back"; exit 1; }
  printf '%s\n%s\n%s\n' "$L1" "$L2" "$L3"
  rm -rf o1 o2 back m1.csv m2.csv
  rm -rf split; mkdir split
  t git mailsplit -osplit big.mbox >/dev/null; row "git mailsplit (one file per message, no way back)" "$MB" "$MSGS"
  rm -rf split
fi
if [ "$WHAT" = maildir ] || [ "$WHAT" = all ]; then
  rm -rf d1 d2 dback; mkdir -p din && { [ -e din/maildir ] || ln -s "$W/maildir" din/maildir; }
  t node "$X" convert maildir -o d1 -j 1 -q --manifest d1.csv; L1=$(row "xmime convert -j 1 (Maildir, $MDN messages)" "$MDB" "$MDN")
  t node "$X" convert maildir -o d2 -j 2 -q --manifest d2.csv; L2=$(row "xmime convert -j 2 (the same)" "$MDB" "$MDN")
  cmp d1/maildir.xml d2/maildir.xml && cmp d1.csv d2.csv || { echo "FAIL: -j 1 and -j 2 differ"; exit 1; }
  t node "$X" convert --decode d2/maildir.xml -o dback -j 2 -q; L3=$(row "xmime convert --decode (to a new Maildir)" "$MDB" "$MDN")
  diff -r maildir dback/maildir >/dev/null || { echo "FAIL: the Maildir does not come back"; exit 1; }
  printf '%s\n%s\n%s\n' "$L1" "$L2" "$L3"
  rm -rf d1 d2 dback d1.csv d2.csv din
fi
if [ "$WHAT" = python ] || [ "$WHAT" = all ]; then
  t python3 -c '
import mailbox, email, email.policy
n = 0
for m in mailbox.mbox("big.mbox", create=False):
    email.message_from_bytes(m.as_bytes(), policy=email.policy.compat32).walk(); n += 1
print(n)' > py.count; row "Python mailbox.mbox + email (compat32): read and parse every message" "$MB" "$(cat py.count)"
  t python3 -c '
import mailbox, email, email.policy
n = 0
md = mailbox.Maildir("maildir", factory=None, create=False)
for k in md.iterkeys():
    email.message_from_bytes(md.get_bytes(k), policy=email.policy.compat32); n += 1
print(n)' > py.count; row "Python mailbox.Maildir + email: read and parse every message" "$MDB" "$(cat py.count)"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
