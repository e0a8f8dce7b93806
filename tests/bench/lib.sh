# tests/bench/lib.sh: sourced by tests/bench/run and the per-program
# benchmark scripts tests/bench/*.sh.  Timings are wall clock, best of
# BENCH_RUNS (default 3), printed in MB/s of input (1 MB = 10^6 bytes).

BENCH_RUNS=${BENCH_RUNS:-3}

# best_seconds CMD: run the shell command line CMD BENCH_RUNS times, print
# the fastest wall time in seconds
best_seconds() {
	best=
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		t0=$(date +%s%N)
		sh -c "$1" || { echo "bench: failed: $1" >&2; return 1; }
		t1=$(date +%s%N)
		t=$((t1 - t0))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
		i=$((i + 1))
	done
	awk -v ns="$best" 'BEGIN { printf "%.4f\n", ns / 1e9 }'
}

# mbps BYTES SECONDS
mbps() {
	awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f\n", (s > 0 ? b / s / 1e6 : 0) }'
}

# bench LABEL BYTES CMD: time CMD, print "LABEL  MB/s", set BENCH_MBPS
bench() {
	s=$(best_seconds "$3") || return 1
	BENCH_MBPS=$(mbps "$2" "$s")
	printf '  %-48s %9s MB/s  (%ss)\n' "$1" "$BENCH_MBPS" "$s"
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
