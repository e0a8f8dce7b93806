# tests/bench/lib.sh: sourced by tests/bench/run and the per-program
# benchmark scripts tests/bench/*.sh.  Timings are wall clock, best of
# BENCH_RUNS (default 5), printed in MB/s of input (1 MB = 10^6 bytes).

BENCH_RUNS=${BENCH_RUNS:-5}

# best_seconds CMD: run the shell command line CMD BENCH_RUNS times, print
# the fastest wall time in seconds; BEST_CPU is set to the least CPU time
# (user + system, the command and all it started) of the runs: on a shared
# or busy machine the wall time also counts time spent waiting for a core.
# When BENCH_BEFORE is set, it runs untimed before each run.
best_seconds() {
	python3 "$TOP/tests/bench/besttime.py" "$BENCH_RUNS" \
	    ${BENCH_BEFORE:+-b "$BENCH_BEFORE"} "$1" >"$WORK/times" || return 1
	read -r _bwall BEST_CPU <"$WORK/times"
	echo "$_bwall"
}

# mbps BYTES SECONDS
mbps() {
	awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f\n", (s > 0 ? b / s / 1e6 : 0) }'
}

# bench LABEL BYTES CMD: time CMD, print "LABEL  MB/s" (wall time) and the
# MB/s of its CPU time, set BENCH_MBPS and BENCH_CPU_MBPS
bench() {
	best_seconds "$3" >"$WORK/best" || return 1
	_bs=$(cat "$WORK/best")
	BENCH_MBPS=$(mbps "$2" "$_bs")
	BENCH_CPU_MBPS=$(mbps "$2" "$BEST_CPU")
	printf '  %-48s %9s MB/s  (%ss; cpu %ss, %s MB/s)\n' "$1" \
	    "$BENCH_MBPS" "$_bs" "$BEST_CPU" "$BENCH_CPU_MBPS"
}

# bench_side BYTES LABEL CMD [LABEL CMD]...: bench for each CMD, their runs
# taking turns, so that the ratios between them hold when the machine's
# speed drifts during the run; sets BENCH_MBPS1, BENCH_MBPS2, ... in order.
bench_side() {
	_bytes=$1
	shift
	python3 "$TOP/tests/bench/besttime.py" "$BENCH_RUNS" -l "$@" \
	    >"$WORK/times" || return 1
	_i=1
	while read -r _bwall _bcpu _label; do
		_m=$(mbps "$_bytes" "$_bwall")
		eval "BENCH_MBPS$_i=\$_m"
		printf '  %-48s %9s MB/s  (%ss; cpu %ss, %s MB/s)\n' "$_label" \
		    "$_m" "$_bwall" "$_bcpu" "$(mbps "$_bytes" "$_bcpu")"
		_i=$((_i + 1))
	done <"$WORK/times"
}

# ratio A B: print A/B to two decimals
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", (b > 0 ? a / b : 0) }'
}

# verdict WHAT VALUE TARGET: print whether VALUE >= TARGET
verdict() {
	if awk -v v="$2" -v t="$3" 'BEGIN { exit !(v >= t) }'; then
		printf '  %-48s %s (target >= %s): met\n' "$1" "$2" "$3"
	else
		printf '  %-48s %s (target >= %s): NOT MET\n' "$1" "$2" "$3"
	fi
}

# size_of FILE
size_of() {
	wc -c <"$1" | tr -d ' '
}
