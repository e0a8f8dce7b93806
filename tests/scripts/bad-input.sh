# The bad-input corpus, through every program that reads records (and the
# record layer's own recpass): each kind of bad line stops the program with
# exit 65 and a message naming file:line:column; with --rejects FILE the
# line lands in FILE byte for byte and the good records around it go on.
# Documented acceptances: deep nesting, duplicate keys, huge numbers.
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
good1='{"id":1,"text":"first"}'
good3='{"id":3,"text":"third"}'
i=0
# name<TAB>printf-format of the bad line
cat >"$t/kinds" <<'KINDS'
invalid-byte	{"id":2,"text":"a\377b"}
overlong	{"id":2,"text":"a\300\257b"}
overlong-3	{"id":2,"text":"\340\200\257"}
surrogate-utf8	{"id":2,"text":"\355\240\200"}
above-10ffff	{"id":2,"text":"\364\220\200\200"}
truncated-utf8	{"id":2,"text":"ab\342\202"}
lone-continuation	{"id":2,"text":"\200"}
nul-in-string	{"id":2,"text":"a\000b"}
nul-outside	{"id":2,\000"text":"x"}
lone-cr-in-string	{"id":2,"text":"a\rb"}
bom-in-the-middle	\357\273\277{"id":2,"text":"x"}
array	[1,2]
string	"text"
number	42
truncated-json	{"id":2,"text":"abc
trailing-garbage	{"id":2,"text":"x"} y
single-quotes	{'id':2}
bad-escape	{"id":2,"text":"\\x41"}
unquoted-key	{id:2}
KINDS
progs="$BUILD/tools/recpass"
for p in normalise-unicode dedupe-paragraphs tag-extract; do
	[ -x "$BIN/$p" ] && progs="$progs $BIN/$p"
done
while IFS='	' read -r kind fmt; do
	{ echo "$good1"; printf "$fmt\n"; echo "$good3"; } >"$t/in.jsonl"
	sed -n 2p "$t/in.jsonl" >"$t/badline"
	for p in $progs; do
		name=${p##*/}
		(cd "$t" && "$p" in.jsonl >out 2>err)
		st=$?
		if [ $st -eq 65 ] && grep -q "^$name: in.jsonl:2:[0-9][0-9]*: " "$t/err"; then
			echo "ok bad-input/$name/$kind: exit 65, $(cut -d: -f2- "$t/err" | head -1)"
		else
			echo "not ok bad-input/$name/$kind: exit $st: $(head -2 "$t/err")"
		fi
		(cd "$t" && "$p" -q --rejects rej in.jsonl >out 2>err)
		st=$?
		if [ $st -eq 0 ] && cmp -s "$t/rej" "$t/badline" &&
		    [ "$(wc -l <"$t/out")" -eq 2 ]; then
			echo "ok bad-input/$name/$kind: --rejects keeps the line verbatim"
		else
			echo "not ok bad-input/$name/$kind: --rejects: exit $st, $(head -2 "$t/err")"
		fi
	done
done <"$t/kinds"

# Accepted by design: nesting costs no stack, a duplicate key is read as
# its last occurrence (as in jq), a number is never re-encoded.
awk 'BEGIN { s = ""; for (i = 0; i < 100000; i++) s = s "["; printf "{\"id\":1,\"deep\":%s", s;
    s = ""; for (i = 0; i < 100000; i++) s = s "]"; printf "%s,\"text\":\"x\"}\n", s }' >"$t/deep.jsonl"
awk 'BEGIN { s = ""; for (i = 0; i < 10000; i++) s = s "7"; printf "{\"id\":1,\"n\":%s.5e-99999,\"text\":\"y\"}\n", s }' >"$t/num.jsonl"
printf '{"id":1,"text":"old","text":"new"}\n' >"$t/dup.jsonl"
for p in $progs; do
	name=${p##*/}
	for f in deep num; do
		# The output must start with the same bytes up to "text".
		sed 's/,"text".*//' "$t/$f.jsonl" | tr -d '\n' >"$t/member"
		if "$p" "$t/$f.jsonl" >"$t/out" 2>"$t/err" &&
		    head -c "$(wc -c <"$t/member")" "$t/out" | cmp -s - "$t/member"; then
			echo "ok bad-input/$name/$f: accepted, passed through unchanged"
		else
			echo "not ok bad-input/$name/$f: $(head -2 "$t/err")"
		fi
	done
	if "$p" "$t/dup.jsonl" >"$t/out" 2>"$t/err" && grep -q '"text":"old"' "$t/out"; then
		echo "ok bad-input/$name/duplicate-key: accepted, the first passes through"
	else
		echo "not ok bad-input/$name/duplicate-key: $(head -2 "$t/err")"
	fi
done
