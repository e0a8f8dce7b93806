# JSONTestSuite through the record layer: every y_ object accepted (and
# passed through byte for byte), every y_ non-object refused as "not a JSON
# object", every n_ refused with a line:column and a syntax message, every
# i_ answered without a crash.
S=$SHARED/conformance/json-test-suite/test_parsing
if [ ! -d "$S" ]; then
	echo "skip json-conformance: $S not found (the suite lives in ../shared)"
	exit 0
fi
J=$BUILD/tools/jsoncheck
R=$BUILD/tools/recpass
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
for f in "$S"/y_*.json "$S"/n_*.json "$S"/i_*.json; do
	name=${f##*/}
	res=$("$J" "$f" 2>&1)
	st=$?
	res=${res#"$f": }
	if [ $st -ne 0 ]; then
		echo "not ok json/$name: jsoncheck exit $st: $res"
		continue
	fi
	case "$name:$res" in
	y_*:ok)
		# A one-line object also goes through recpass unchanged.
		if [ "$(wc -l <"$f")" -eq 0 ] && ! grep -q "$(printf '\r')" "$f"; then
			{ cat "$f"; echo; } >"$t/want"
			"$R" "$f" >"$t/got" 2>/dev/null
			if cmp -s "$t/want" "$t/got"; then
				echo "ok json/$name"
			else
				echo "not ok json/$name: passthrough changed bytes"
			fi
		else
			echo "ok json/$name"
		fi ;;
	y_*"rejected at "*": record is not a JSON object")
		if head -c 64 "$f" | tr -d ' \t\r\n' | grep -q '^{'; then
			echo "not ok json/$name: an object refused: $res"
		else
			echo "ok json/$name"
		fi ;;
	n_*"rejected at "[0-9]*:[0-9]*": record is not a JSON object")
		echo "not ok json/$name: refused for the wrong reason: $res" ;;
	n_*"rejected at "[0-9]*:[0-9]*": "*) echo "ok json/$name" ;;
	i_*) echo "ok json/$name ($res)" ;;
	*) echo "not ok json/$name: $res" ;;
	esac
done
