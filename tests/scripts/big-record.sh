# A record of 256 MiB (16 MiB under the sanitizers) through the record
# layer and a line of that size through split-posts, byte for byte.
mib=256
[ "$CONFIG" = plain ] || mib=16
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=$((mib * 1024 * 1024))
{
	printf '{"id":1,"text":"'
	head -c "$n" /dev/zero | tr '\0' 'a'
	printf '","n":[1,2]}\n'
} >"$t/big.jsonl"
if "$BUILD/tools/recpass" "$t/big.jsonl" 2>/dev/null | cmp -s - "$t/big.jsonl"; then
	echo "ok big-record: $mib MiB record passes through unchanged"
else
	echo "not ok big-record: $mib MiB record changed or failed"
fi
{ echo "Forwarded from A"; head -c "$n" /dev/zero | tr '\0' 'b'; echo; } >"$t/big.txt"
"$BIN/split-posts" --source x "$t/big.txt" >"$t/out" 2>"$t/err"
st=$?
len=$(jq -r '.text | length' "$t/out" 2>/dev/null)
if [ $st -eq 0 ] && [ "$len" = "$n" ]; then
	echo "ok big-record: split-posts keeps a $mib MiB line"
else
	echo "not ok big-record: split-posts on a $mib MiB line: exit $st, length $len"
fi
