#!/bin/sh
# normalise-unicode-idempotence: running the program on its own output
# changes no byte, on the samples and on a generated corpus of messy mixed
# scripts (NFD accents, odd spaces, invisibles, emoji sequences, line ends,
# lone surrogate escapes), under every form and option, on every code
# point between a letter and a combining mark; and on the
# benchmark corpus when CORPUS_JSONL is set.  Each output is valid JSON
# Lines with the same record count.
set -u
PROG=$BIN/normalise-unicode
name=normalise-unicode-idempotence
w=$(mktemp -d "${TMPDIR:-/tmp}/normidem.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM
records=10000
[ "${CONFIG:-plain}" = plain ] || records=3000

python3 - "$w/gen.jsonl" "$records" <<'PY'
import json, random, sys
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20240615)
pieces = ["the", "talks", "Café", "Cafe\u0301", "São", "Sa\u0303o", "résumé",
    "re\u0301sume\u0301", "Сергей", "Лавров", "й", "и\u0306", "وزير", "الخارجية",
    "مُحَمَّد", "金砖国家", "外长", "가", "\u1100\u1161", "\u1100\U0001F600\u1161",
    "ﬁle", "x²", "Ａ", "Straße", "ΐ", "İ", "ᾀ", "α\u0345\u0313", "\u00a8",
    "#BRICS", "$BTC", "https://example.org/a?b=1", "1\ufe0f\u20e3", "©", "™",
    "☺", "☺\ufe0f", "❤\ufe0f", "🇷🇺", "👍🏽", "👨\u200d👩\u200d👧", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
    "\u200b", "\ufeff", "\u00ad", "\u2060", "\u180e", "\u200e", "\u200d", "\u200c",
    "\x01", "\x7f", "\x00", "e\u00ad\u0301", "\u0301", "\u0345", "\ufdfa"]
spaces = [" ", " ", " ", "  ", "\u00a0", "\u202f", "\u2009", "\u3000", "\t",
    "\n", "\n\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", " \n ", "\x0b"]
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        k = rnd.randrange(0, 60)
        t = "".join(rnd.choice(pieces) + rnd.choice(spaces) for _ in range(k))
        line = json.dumps({"id": i + 1, "text": t, "title": t[:20]},
                          ensure_ascii=rnd.random() < 0.3)
        if rnd.random() < 0.02:
            line = line.replace('"text": "', '"text": "\\ud800x\\udc00', 1)
        f.write(line + "\n")
PY

check() {	# label input options...
	label=$1 in=$2
	shift 2
	"$PROG" "$@" "$in" >"$w/once" 2>"$w/err" &&
	"$PROG" "$@" "$w/once" >"$w/twice" 2>>"$w/err" ||
	    { echo "not ok $name/$label (exit $?)"; head -3 "$w/err"; return; }
	if ! cmp -s "$w/once" "$w/twice"; then
		echo "not ok $name/$label (second run changed the output)"
		cmp "$w/once" "$w/twice" | head -2
	elif [ "$(wc -l <"$w/once")" != "$(grep -c . "$in")" ]; then
		echo "not ok $name/$label (record count)"
	else
		echo "ok $name/$label"
	fi
}

for f in "$TOP/samples/channel.split-posts.jsonl" "$w/gen.jsonl"; do
	base=${f##*/}
	for form in nfc nfd nfkc nfkd nfkc_cf none; do
		check "$base/$form" "$f" --form $form
	done
	check "$base/strip-emoji" "$f" --strip-emoji
	check "$base/casefold" "$f" --casefold
	check "$base/everything" "$f" --strip-emoji --casefold --form nfkd \
	    -f text -f title
	check "$base/keep-all" "$f" --keep-spaces --keep-invisible \
	    --keep-line-ends
	check "$base/keep-spaces" "$f" --keep-spaces --strip-emoji
	check "$base/keep-invisible" "$f" --keep-invisible --form nfkc
done
# Every code point, in a context that invites composition and folding.
if [ "${CONFIG:-plain}" = plain ]; then
	python3 -c '
import json, sys
w = sys.stdout.write
for cp in range(0x110000):
    if not 0xD800 <= cp <= 0xDFFF:
        w(json.dumps({"text": "a" + chr(cp) + "\u0301 " + chr(cp) + "b"},
                     ensure_ascii=False) + "\n")' >"$w/allcp.jsonl"
	check allcp "$w/allcp.jsonl"
	check allcp/nfkc_cf-casefold "$w/allcp.jsonl" --form nfkc_cf \
	    --strip-emoji --casefold
else
	echo "skip $name/allcp (every code point: plain build only)"
fi
if [ -n "${CORPUS_JSONL:-}" ] && [ -f "$CORPUS_JSONL" ]; then
	check corpus "$CORPUS_JSONL"
fi
