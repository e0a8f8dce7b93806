# compress-archive round trips, read back by compress-archive -d (from a
# file and from a pipe) and by
# the zstd CLI (zstd -d, zstdcat, zstd -t) byte for byte: empty input, one
# record, one 200 MiB record (plain config only), a million tiny records,
# random frame sizes and levels, raw lines.
CA=$BIN/compress-archive
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# check NAME FILE [ARGS...]: compress FILE with ARGS, read it back four ways
check() {
	name=$1 in=$2
	shift 2
	if ! "$CA" "$@" "$in" >"$t/a.zst" 2>"$t/err"; then
		echo "not ok compress-archive-roundtrip: $name: compress failed: $(head -c 200 "$t/err")"
		return
	fi
	why=
	"$CA" -d "$t/a.zst" | cmp -s - "$in" || why="$why -d"
	"$CA" -t "$t/a.zst" || why="$why -t"
	cat "$t/a.zst" | "$CA" -d | cmp -s - "$in" || why="$why -d-from-a-pipe"
	zstd -q -d -c "$t/a.zst" | cmp -s - "$in" || why="$why zstd-d"
	zstdcat "$t/a.zst" | cmp -s - "$in" || why="$why zstdcat"
	zstd -q -t "$t/a.zst" || why="$why zstd-t"
	if [ -z "$why" ]; then
		echo "ok compress-archive-roundtrip: $name"
	else
		echo "not ok compress-archive-roundtrip: $name:$why"
	fi
}

: >"$t/empty"
check empty "$t/empty"
echo '{"id":1,"text":"one"}' >"$t/one"
check one-record "$t/one"
check one-record-dict "$t/one" --dict -q

awk 'BEGIN { for (i = 1; i <= 1000000; i++) printf "{\"i\":%d}\n", i }' \
    >"$t/million"
check million-tiny "$t/million"
n=$("$CA" --list --json "$t/a.zst" | jq .records)
r=$("$CA" --extract 999999 "$t/a.zst")
if [ "$n" = 1000000 ] && [ "$r" = '{"i":999999}' ]; then
	echo "ok compress-archive-roundtrip: million-tiny list and extract"
else
	echo "not ok compress-archive-roundtrip: million-tiny: $n records, extract '$r'"
fi
check million-tiny-T2 "$t/million" -T 2 --frame-size 64K

# random frame sizes and levels over the samples and generated records
cat "$TOP/samples/channel.split-posts.jsonl" >"$t/mix"
awk 'BEGIN { srand(7); for (i = 1; i <= 3000; i++) { s = ""; n = int(rand() * 300);
    for (j = 0; j < n; j++) s = s sprintf("%c", 97 + int(rand() * 26));
    printf "{\"id\":%d,\"text\":\"%s\"}\n", i, s } }' >>"$t/mix"
for fs in 1 2 100 777 4K 64K 1M; do
	check "frame-size-$fs" "$t/mix" --frame-size "$fs"
done
i=0
while [ $i -lt 5 ]; do
	fs=$(awk -v s=$i 'BEGIN { srand(s + 11); print 1 + int(rand() * 20000) }')
	lv=$(awk -v s=$i 'BEGIN { srand(s + 23); print 1 + int(rand() * 19) }')
	check "random-frame-size-$fs-level-$lv" "$t/mix" --frame-size "$fs" -l "$lv" -T 2
	# every record through --extract, in random ranges
	total=$(wc -l <"$t/mix")
	a=$(awk -v s=$i -v n="$total" 'BEGIN { srand(s + 5); print 1 + int(rand() * n) }')
	b=$(awk -v s=$i -v n="$total" -v a="$a" 'BEGIN { srand(s + 9); print a + int(rand() * (n - a + 1)) }')
	if "$CA" --extract "$a-$b" "$t/a.zst" >"$t/x" &&
	    sed -n "${a},${b}p" "$t/mix" | cmp -s - "$t/x"; then
		echo "ok compress-archive-roundtrip: extract $a-$b with frame size $fs"
	else
		echo "not ok compress-archive-roundtrip: extract $a-$b with frame size $fs"
	fi
	i=$((i + 1))
done

printf 'not json\r\n\357\273\277bom inside\n\nend\n' >"$t/raw"
check raw "$t/raw" --raw

if [ "$CONFIG" = plain ]; then
	{
		printf '{"id":1,"text":"'
		head -c $((200 * 1024 * 1024)) /dev/zero | tr '\0' 'x'
		printf '"}\n'
	} >"$t/big"
	check one-200-MiB-record "$t/big"
	rm -f "$t/big"
else
	echo "skip compress-archive-roundtrip: one-200-MiB-record (plain config only)"
fi
