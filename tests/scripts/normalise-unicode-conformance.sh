#!/bin/sh
# normalise-unicode-conformance: Unicode's NormalizationTest.txt (15.0, the
# version of ICU 72) through the program itself, clean-up steps off.  Each
# line's five columns are fed as the fields c1..c5 of one record and run
# through --form nfc, nfd, nfkc and nfkd; the outputs are checked by the
# file's own rules.  Part 1's rule (every code point not listed there is
# unchanged by every form) is checked on records of all other code points.
set -u
TEST=/usr/share/unicode/NormalizationTest.txt.bz2
PROG=$BIN/normalise-unicode
name=normalise-unicode-conformance
if [ ! -f "$TEST" ]; then
	echo "not ok $name (no $TEST: install unicode-data)"
	exit 0
fi
w=$(mktemp -d "${TMPDIR:-/tmp}/normconf.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM

bzcat "$TEST" >"$w/test.txt"
python3 - "$w" <<'PY' || { echo "not ok $name (python3 failed)"; exit 0; }
import json, sys
w = sys.argv[1]
listed = set()
part = None
with open(w + "/test.txt", encoding="utf-8") as f, \
     open(w + "/lines.jsonl", "w", encoding="utf-8") as out:
    for no, line in enumerate(f, 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("@"):
            part = line
            continue
        cols = [ "".join(chr(int(h, 16)) for h in c.split())
                 for c in line.split(";")[:5] ]
        if part == "@Part1":
            listed.add(ord(cols[0]))
        rec = {"line": no}
        for i, c in enumerate(cols, 1):
            rec["c%d" % i] = c
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
with open(w + "/others.jsonl", "w", encoding="utf-8") as out:
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or cp in listed:
            continue
        out.write(json.dumps({"cp": cp, "c": chr(cp)}, ensure_ascii=False) + "\n")
PY

fields="-f c1 -f c2 -f c3 -f c4 -f c5"
for form in nfc nfd nfkc nfkd; do
	"$PROG" --no-cleanup --form "$form" $fields "$w/lines.jsonl" \
	    >"$w/lines.$form" || echo "not ok $name/$form (exit $?)"
	"$PROG" --no-cleanup --form "$form" -f c "$w/others.jsonl" \
	    >"$w/others.$form" || echo "not ok $name/part1-$form (exit $?)"
done

python3 - "$w" <<'PY'
import json, sys
w = sys.argv[1]
# form: (column for inputs c1..c5) per NormalizationTest.txt's header
rules = {
    "nfc":  [2, 2, 2, 4, 4],
    "nfd":  [3, 3, 3, 5, 5],
    "nfkc": [4, 4, 4, 4, 4],
    "nfkd": [5, 5, 5, 5, 5],
}
src = [json.loads(l) for l in open(w + "/lines.jsonl", encoding="utf-8")]
for form, want in rules.items():
    bad = 0
    try:
        got = [json.loads(l) for l in open(w + "/lines." + form, encoding="utf-8")]
    except Exception as e:
        print("not ok normalise-unicode-conformance/%s (%s)" % (form, e))
        continue
    if len(got) != len(src):
        print("not ok normalise-unicode-conformance/%s (%d records for %d)"
              % (form, len(got), len(src)))
        continue
    for s, g in zip(src, got):
        for i in range(5):
            if g["c%d" % (i + 1)] != s["c%d" % want[i]]:
                if bad < 5:
                    print("    line %d: %s(c%d) = %r, expected %r" % (s["line"],
                          form, i + 1, g["c%d" % (i + 1)], s["c%d" % want[i]]))
                bad += 1
    print("%sok normalise-unicode-conformance/%s (%d lines, %d failures)"
          % ("not " if bad else "", form, len(src), bad))
    bad = n = 0
    with open(w + "/others.jsonl", encoding="utf-8") as fs, \
         open(w + "/others." + form, encoding="utf-8") as fg:
        for ls, lg in zip(fs, fg):
            n += 1
            if ls != lg:
                if bad < 5:
                    print("    part 1: U+%04X changed by %s" % (json.loads(ls)["cp"], form))
                bad += 1
    print("%sok normalise-unicode-conformance/part1-%s (%d code points, %d failures)"
          % ("not " if bad else "", form, n, bad))
PY
