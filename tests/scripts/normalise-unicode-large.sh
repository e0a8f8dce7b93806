#!/bin/sh
# normalise-unicode-large: one record of 64 MiB of paragraphs that all need
# work (NFD accents, no-break spaces, zero-width spaces, runs of spaces), one
# 64 MiB paragraph with no line end, a 16 MiB run of combining marks, and
# 72 MiB of paragraphs with emoji through --strip-emoji (more than the
# 64 MiB pieces handed to ICU's break iterator);
# checked against the output for one paragraph, repeated, with the memory
# used (peak RSS) bounded by a small multiple of the record.  Plain build
# only: under the sanitizers it would take minutes.
set -u
PROG=$BIN/normalise-unicode
name=normalise-unicode-large
if [ "${CONFIG:-plain}" != plain ]; then
	echo "skip $name (big data, plain build only)"
	exit 0
fi
w=$(mktemp -d "${TMPDIR:-/tmp}/normlarge.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM

# unit: one paragraph of 64 bytes; want: its clean form
unit='  Cafe\u0301\u00a0S\u00e3o  Paulo\u200b r\u00e9sume\u0301 \u041b\u0430\u0432\u0440\u043e\u0432 '
want='Café São Paulo résumé Лавров'
n=$((64 * 1024 * 1024 / 64))

python3 - "$w" "$n" "$unit" "$want" <<'PY'
import sys
w, n, unit, want = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(w + "/paras.jsonl", "w") as f:
    f.write('{"id":1,"text":"' + (unit + "\\n") * n + '","tail":true}\n')
with open(w + "/paras.want", "w", encoding="utf-8") as f:
    f.write('{"id":1,"text":"' + "\\n".join([want] * n) + '","tail":true}\n')
with open(w + "/line.jsonl", "w") as f:
    f.write('{"text":"' + unit * n + '"}\n')
with open(w + "/line.want", "w", encoding="utf-8") as f:
    f.write('{"text":"' + " ".join([want] * n) + '"}\n')
with open(w + "/marks.jsonl", "w", encoding="utf-8") as f:
    f.write('{"text":"a' + "\u0301" * (8 * 1024 * 1024) + '"}\n')
with open(w + "/marks.want", "w", encoding="utf-8") as f:
    f.write('{"text":"\u00e1' + "\u0301" * (8 * 1024 * 1024 - 1) + '"}\n')
u = "Flag \U0001F1F7\U0001F1FA ok \u2764\ufe0f x"
m = 72 * 1024 * 1024 // len(u.encode())
with open(w + "/emoji.jsonl", "w", encoding="utf-8") as f:
    f.write('{"text":"' + "\\n".join([u] * m) + '"}\n')
with open(w + "/emoji.want", "w", encoding="utf-8") as f:
    f.write('{"text":"' + "\\n".join(["Flag ok x"] * m) + '"}\n')
PY

for t in paras line marks emoji; do
	opts=
	[ $t = emoji ] && opts=--strip-emoji
	size=$(wc -c <"$w/$t.jsonl")
	echo 0 >"$w/rss"
	timer=
	[ -x /usr/bin/time ] && timer="/usr/bin/time -f %M -o $w/rss"
	if ! $timer "$PROG" $opts "$w/$t.jsonl" >"$w/$t.out" 2>"$w/err"; then
		echo "not ok $name/$t (exit $?)"
		head -3 "$w/err"
		continue
	fi
	rss=$(tail -1 "$w/rss")
	if ! cmp -s "$w/$t.out" "$w/$t.want"; then
		echo "not ok $name/$t (output differs)"
	elif [ $((rss * 1024)) -gt $((size * 12 + 64 * 1024 * 1024)) ]; then
		echo "not ok $name/$t (peak RSS $rss KiB for a $size-byte record)"
	else
		echo "ok $name/$t ($size bytes, peak RSS $rss KiB)"
	fi
done
