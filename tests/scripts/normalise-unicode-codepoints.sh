#!/bin/sh
# normalise-unicode-codepoints: every assigned code point (UnicodeData.txt,
# 15.0) is fed between two letters, "a" X "b", through the defaults; what
# comes out must be what the rules say: line ends become LF, tab, VT, FF
# and space separators a space, other controls and default-ignorable
# format characters (but ZWNJ, ZWJ, tags) vanish, and every other code
# point survives, normalised to NFC (checked against --no-cleanup, whose
# NFC the conformance suite checks).  The same with --form nfkd.
set -u
PROG=$BIN/normalise-unicode
UD=/usr/share/unicode/UnicodeData.txt
DCP=/usr/share/unicode/DerivedCoreProperties.txt
name=normalise-unicode-codepoints
if [ ! -f "$UD" ] || [ ! -f "$DCP" ]; then
	echo "not ok $name (install unicode-data)"
	exit 0
fi
w=$(mktemp -d "${TMPDIR:-/tmp}/normcp.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM

python3 - "$w" "$UD" "$DCP" <<'PY'
import json, sys
w, ud, dcp = sys.argv[1:4]
cat = {}
first = None
for line in open(ud, encoding="utf-8"):
    f = line.split(";")
    cp = int(f[0], 16)
    if f[1].endswith(", First>"):
        first = cp
        continue
    if f[1].endswith(", Last>"):
        for c in range(first, cp + 1):
            cat[c] = f[2]
        continue
    cat[cp] = f[2]
di = set()
for line in open(dcp, encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    r, prop = [x.strip() for x in line.split(";")]
    if prop != "Default_Ignorable_Code_Point":
        continue
    lo, _, hi = r.partition("..")
    for c in range(int(lo, 16), int(hi or lo, 16) + 1):
        di.add(c)
with open(w + "/in.jsonl", "w", encoding="utf-8") as fin, \
     open(w + "/want.jsonl", "w", encoding="utf-8") as fwant:
    for cp in sorted(cat):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        g = cat[cp]
        x = chr(cp)
        if cp in (0x0A, 0x0D, 0x85, 0x2028, 0x2029):
            want = "\n"
        elif cp in (0x09, 0x0B, 0x0C) or g == "Zs":
            want = " "
        elif g == "Cc":
            want = ""
        elif g == "Cf" and cp in di and cp not in (0x200C, 0x200D) \
                and not 0xE0020 <= cp <= 0xE007F:
            want = ""
        else:
            want = x
        fin.write(json.dumps({"cp": cp, "text": "a" + x + "b"},
                             ensure_ascii=False) + "\n")
        fwant.write(json.dumps({"cp": cp, "text": "a" + want + "b"},
                               ensure_ascii=False) + "\n")
PY
for form in nfc nfkd; do
	"$PROG" --form $form "$w/in.jsonl" >"$w/got.$form" ||
	    echo "not ok $name/$form (exit $?)"
	"$PROG" --no-cleanup --form $form "$w/want.jsonl" >"$w/want.$form" ||
	    echo "not ok $name/$form-want (exit $?)"
	python3 - "$w" "$form" <<'PY'
import json, sys
w, form = sys.argv[1:3]
bad = n = 0
for lg, lw in zip(open(w + "/got." + form, encoding="utf-8"),
                  open(w + "/want." + form, encoding="utf-8")):
    g, e = json.loads(lg), json.loads(lw)
    n += 1
    if g != e:
        if bad < 5:
            print("    U+%04X: %r, expected %r" % (g["cp"], g["text"], e["text"]))
        bad += 1
print("%sok normalise-unicode-codepoints/%s (%d code points, %d lost or wrong)"
      % ("not " if bad or n < 140000 else "", form, n, bad))
PY
done
