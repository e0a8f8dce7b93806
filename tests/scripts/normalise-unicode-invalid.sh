#!/bin/sh
# normalise-unicode-invalid: bad input at every position.  A record whose
# raw bytes are not UTF-8 (each byte of a 2-, 3- and 4-byte sequence
# replaced by 0xFF, or the sequence cut short) stops the program with exit
# 65 naming line and column, or goes to --rejects; escaped lone surrogates
# at every position of a text become U+FFFD (or, with --strict, exit 65
# naming the column of the escape).
set -u
PROG=$BIN/normalise-unicode
name=normalise-unicode-invalid
w=$(mktemp -d "${TMPDIR:-/tmp}/norminv.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM

fails=0
fail() { echo "not ok $name/$1"; fails=$((fails + 1)); }

# prefix {"text":"ab is 11 bytes: the sequence starts at column 12
for seq in 'c3 a9' 'e2 82 ac' 'f0 9f 98 80'; do
	set -- $seq
	len=$#
	i=0
	while [ $i -lt $len ]; do
		# byte i replaced by ff; then cut after i bytes (i > 0)
		bytes= j=0
		for b in $seq; do
			[ $j -eq $i ] && b=ff
			bytes="$bytes\\$(printf %03o "0x$b")"
			j=$((j + 1))
		done
		for variant in bad cut; do
			if [ $variant = bad ]; then
				body=$bytes
			else
				[ $i -eq 0 ] && continue
				body= j=0
				for b in $seq; do
					[ $j -lt $i ] &&
					    body="$body\\$(printf %03o "0x$b")"
					j=$((j + 1))
				done
			fi
			col=12	# the record layer names the sequence's start
			printf '{"text":"ok"}\n{"text":"ab'"$body"'cd"}\n' >"$w/in"
			"$PROG" "$w/in" >"$w/out" 2>"$w/err"
			st=$?
			[ $st -eq 65 ] || fail "$seq/$variant/$i (exit $st)"
			grep -q "^normalise-unicode: $w/in:2:$col: invalid UTF-8\$" \
			    "$w/err" || fail "$seq/$variant/$i (message: $(cat "$w/err"))"
			"$PROG" --rejects "$w/rej" "$w/in" >"$w/out" 2>"$w/err"
			st=$?
			[ $st -eq 0 ] && [ "$(cat "$w/out")" = '{"text":"ok"}' ] &&
			    sed -n 2p "$w/in" | cmp -s - "$w/rej" ||
			    fail "$seq/$variant/$i (--rejects, exit $st)"
		done
		i=$((i + 1))
	done
done
[ $fails -eq 0 ] && echo "ok $name/raw-bytes"

fails=0
# A lone surrogate at each position of "abc", high and low, and a reversed
# pair: the output text is the same with U+FFFD in its place.
for s in '\ud800' '\udfff' '\udc00\ud800'; do
	for pos in 0 1 2 3; do
		pre=$(printf "%.${pos}s" abc)
		post=${pre:+$(printf abc | cut -c$((pos + 1))-)}
		[ $pos -eq 0 ] && post=abc
		printf '{"text":"%s%s%s"}\n' "$pre" "$s" "$post" | sed 's/%%/%/' >"$w/in"
		rep=$(printf '\357\277\275')
		[ "$s" = '\udc00\ud800' ] && rep="$rep$rep"
		want="{\"text\":\"$pre$rep$post\"}"
		"$PROG" "$w/in" >"$w/out" 2>"$w/err" &&
		    [ "$(cat "$w/out")" = "$want" ] ||
		    fail "surrogate $s at $pos: $(cat "$w/out" "$w/err")"
		"$PROG" --strict "$w/in" >"$w/out" 2>"$w/err"
		st=$?
		col=$((10 + pos))
		[ $st -eq 65 ] && grep -q ":1:$col: lone surrogate escape in 'text'\$" \
		    "$w/err" || fail "strict surrogate $s at $pos: exit $st $(cat "$w/err")"
	done
done
[ $fails -eq 0 ] && echo "ok $name/lone-surrogates"
