# Docs are part of the feature: every program built has a man page that
# renders without warnings, and every long option its --help lists appears
# in its man page and in README.md.
[ "$CONFIG" = plain ] || exit 0
for b in "$BIN"/*; do
	p=${b##*/}
	m=$TOP/filters/$p.1
	if [ ! -f "$m" ]; then
		echo "not ok docs/$p: no man page filters/$p.1"
		continue
	fi
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
	if [ -n "$w" ]; then
		echo "not ok docs/$p: man page warnings: $w"
	else
		echo "ok docs/$p: man page renders"
	fi
	missing=
	for o in $("$b" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
		grep -q -- "Fl \\\\$o\\b\|Fl \\\\-${o#--}\\b" "$m" ||
		    grep -q -- "\\\\-\\\\${o#-}\\b" "$m" || missing="$missing man:$o"
		grep -q -- "$o" "$TOP/README.md" || missing="$missing README:$o"
	done
	if [ -n "$missing" ]; then
		echo "not ok docs/$p: options not documented:$missing"
	else
		echo "ok docs/$p: every option in the man page and README"
	fi
done
