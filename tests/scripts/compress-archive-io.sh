# compress-archive output handling: -T 2 writes the same bytes as -T 1,
# /dev/full as standard output and as -o (exit 74, no file left), SIGTERM
# and SIGINT during -o leave no file, a folder that cannot hold the output
# (exit 73, even as root), and an archive is never written to a terminal.
CA=$BIN/compress-archive
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
say() { if [ "$1" = 0 ]; then echo "ok compress-archive-io: $2"; else echo "not ok compress-archive-io: $2"; fi; }

n=100000
[ "$CONFIG" = plain ] || n=20000
awk -v n=$n 'BEGIN { for (i = 1; i <= n; i++) printf "{\"id\":%d,\"text\":\"record %d of the test, %d\"}\n", i, i, i * i % 1000 }' >"$t/in"
"$CA" -T 1 --frame-size 64K "$t/in" >"$t/t1" && "$CA" -T 2 --frame-size 64K "$t/in" >"$t/t2" &&
    "$CA" -T 5 --frame-size 64K "$t/in" >"$t/t5" && cmp -s "$t/t1" "$t/t2" && cmp -s "$t/t1" "$t/t5"
say $? "-T 2 and -T 5 write the same bytes as -T 1"
"$CA" -T 2 --dict -l 5 "$t/in" >"$t/d2" && "$CA" --dict -l 5 "$t/in" >"$t/d1" && cmp -s "$t/d1" "$t/d2"
say $? "-T 2 with --dict writes the same bytes as -T 1"
# Bad lines set aside with --rejects: frames are cut as with one thread.
awk 'NR % 997 == 0 { print "{\"id\":" NR ", bad" } { print }' "$t/in" >"$t/bad"
"$CA" -T 1 --frame-size 64K --rejects "$t/r1" "$t/bad" >"$t/b1" 2>/dev/null &&
    "$CA" -T 3 --frame-size 64K --rejects "$t/r3" "$t/bad" >"$t/b3" 2>/dev/null &&
    cmp -s "$t/b1" "$t/b3" && cmp -s "$t/r1" "$t/r3" && [ -s "$t/r1" ] &&
    cmp -s "$t/b1" "$t/t1"
say $? "-T 3 with --rejects and bad lines: the same archive and rejects as -T 1, and as without the bad lines"

"$CA" "$t/in" >/dev/full 2>"$t/err"
st=$?
[ $st = 74 ] && grep -q "write error on '<stdout>'" "$t/err"
say $? "/dev/full as standard output: exit $st"
before=$(ls -A /dev | grep -c '^\.full\.')
"$CA" -o /dev/full "$t/in" 2>"$t/err"
st=$?
after=$(ls -A /dev | grep -c '^\.full\.')
[ $st = 74 ] && [ -c /dev/full ] && [ "$before" = "$after" ]
say $? "/dev/full as -o: exit $st, still a device, no temporary file"
"$CA" "$t/in" >"$t/a" && "$CA" -d -o /dev/full "$t/a" 2>/dev/null
say $(($? != 74)) "-d -o /dev/full: exit 74"

for sig in TERM INT; do
	mkdir "$t/sig"
	{ head -n 1000 "$t/in"; sleep 3; head -n 10 "$t/in"; } |
	    "$CA" -o "$t/sig/out.zst" 2>/dev/null &
	pid=$!
	sleep 1
	had=$(ls -A "$t/sig")
	kill -$sig $pid
	wait $pid 2>/dev/null
	left=$(ls -A "$t/sig")
	[ -n "$had" ] && [ -z "$left" ]
	say $? "SIG$sig during -o leaves no file (had '$had', left '$left')"
	rm -rf "$t/sig"
done

: >"$t/file"
"$CA" -o "$t/file/out.zst" "$t/in" 2>"$t/err"
say $(($? != 73)) "-o under a regular file (not a folder): exit 73"
mkdir "$t/dir"
"$CA" -o "$t/dir" "$t/in" 2>"$t/err"
st=$?
[ $st = 73 ] && [ "$(ls -A "$t" | grep -c "^\.dir\.")" = 0 ]
say $? "-o naming a folder: exit $st, no temporary file left"

if command -v script >/dev/null 2>&1; then
	script -qec "$CA $t/in" /dev/null >"$t/tty" 2>&1
	st=$?
	[ $st = 64 ] && grep -q "refusing to write binary data to a terminal" "$t/tty"
	say $? "an archive is not written to a terminal (exit $st)"
else
	echo "skip compress-archive-io: terminal (no script(1))"
fi
