# pipelines/: the chain on the samples, failure in every stage, batch.mk,
# and dedupe-corpus against the sequential run (N = 1, 2, 4 and over ssh).
[ "$CONFIG" = plain ] || { echo "skip pipelines: plain build only"; exit 0; }
for p in split-posts normalise-unicode dedupe-paragraphs tag-extract compress-archive; do
	[ -x "$BIN/$p" ] || { echo "skip pipelines: $p not built"; exit 0; }
done
P=$TOP/pipelines
S=$TOP/samples
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
export PATH="$BIN:$PATH"

# The chain on the samples gives the last stage's expected output.
if "$P/telegram-archive" "$S/channel.txt" "$t/channel.jsonl.zst" 2>"$t/err" &&
    zstdcat "$t/channel.jsonl.zst" | cmp -s - "$S/channel.tag-extract.jsonl"; then
	echo "ok pipelines/telegram-archive: samples give the expected records"
else
	echo "not ok pipelines/telegram-archive: samples: $(cat "$t/err")"
fi
if compress-archive -q -t "$t/channel.jsonl.zst"; then
	echo "ok pipelines/telegram-archive: the archive tests good"
else
	echo "not ok pipelines/telegram-archive: the archive fails its test"
fi

# A failure in each stage: the pipeline fails, names the stage, leaves no
# archive.  A stage is replaced by one that is killed half way, and the
# first stage also gets bad input.
printf 'Forwarded from A\nbad \377\n' >"$t/bad.txt"
"$P/telegram-archive" "$t/bad.txt" "$t/bad.jsonl.zst" 2>"$t/err"
st=$?
if [ $st -eq 65 ] && grep -q 'stage 1 (split-posts) failed with exit 65' "$t/err" &&
    [ -z "$(ls -A "$t" | grep bad.jsonl)" ]; then
	echo "ok pipelines/telegram-archive: bad input in stage 1 fails, no archive"
else
	echo "not ok pipelines/telegram-archive: bad input: exit $st, $(cat "$t/err"), $(ls -A "$t")"
fi
i=1
for stage in split-posts normalise-unicode dedupe-paragraphs tag-extract compress-archive; do
	mkdir -p "$t/fake$i"
	printf '#!/bin/sh\nhead -c 100 >/dev/null\nkill -KILL $$\n' >"$t/fake$i/$stage"
	chmod +x "$t/fake$i/$stage"
	(PATH="$t/fake$i:$PATH" "$P/telegram-archive" "$S/channel.txt" "$t/out$i.jsonl.zst" 2>"$t/err")
	st=$?
	left=$(ls -A "$t" | grep "out$i")
	if [ $st -ne 0 ] && grep -q "stage $i ($stage) failed with exit 137" "$t/err" && [ -z "$left" ]; then
		echo "ok pipelines/telegram-archive: $stage killed: fails, named, no archive"
	else
		echo "not ok pipelines/telegram-archive: $stage killed: exit $st, $(cat "$t/err"), left: $left"
	fi
	i=$((i + 1))
done
# Disk full: the archive's folder on a full tmpfs (skipped where mount is
# not allowed).
mkdir -p "$t/small"
if mount -t tmpfs -o size=16k tmpfs "$t/small" 2>/dev/null; then
	head -c 12000 /dev/urandom >"$t/small/filler" 2>/dev/null
	big=$t/big.txt
	{ echo "Forwarded from A"; head -c 300000 /dev/urandom | base64; } >"$big"
	"$P/telegram-archive" "$big" "$t/small/big.jsonl.zst" 2>"$t/err"
	st=$?
	left=$(ls -A "$t/small" | grep -v '^filler$')
	if [ $st -eq 74 ] && grep -q 'stage 5 (compress-archive) failed with exit 74' "$t/err" && [ -z "$left" ]; then
		echo "ok pipelines/telegram-archive: disk full fails, no archive"
	else
		echo "not ok pipelines/telegram-archive: disk full: exit $st, $(cat "$t/err"), left: $left"
	fi
	umount "$t/small"
else
	echo "skip pipelines/telegram-archive: disk full (cannot mount a tmpfs here)"
fi

# batch.mk: builds, rebuilds only what changed, check and clean, and a bad
# dump fails make without leaving its archive.
mkdir -p "$t/in" "$t/out"
cp "$S/channel.txt" "$t/in/a.txt"
head -n 20 "$S/channel.txt" >"$t/in/b.txt"
mk() { make -s -f "$P/batch.mk" IN="$t/in" OUT="$t/out" BIN="$BIN" "$@"; }
if mk -j2 >/dev/null 2>"$t/err" && [ -f "$t/out/a.jsonl.zst" ] && [ -f "$t/out/b.jsonl.zst" ]; then
	echo "ok pipelines/batch.mk: every dump archived"
else
	echo "not ok pipelines/batch.mk: $(cat "$t/err")"
fi
touch -d '2001-01-01' "$t/in/a.txt" "$t/in/b.txt"
touch -d '2002-01-01' "$t/out/a.jsonl.zst" "$t/out/b.jsonl.zst"
touch -d '2003-01-01' "$t/stamp"
touch "$t/in/b.txt"
mk >/dev/null 2>&1
if [ "$(find "$t/out" -newer "$t/stamp" -name '*.zst')" = "$t/out/b.jsonl.zst" ]; then
	echo "ok pipelines/batch.mk: only the changed dump is rebuilt"
else
	echo "not ok pipelines/batch.mk: rebuilt $(find "$t/out" -newer "$t/stamp")"
fi
if [ "$(mk check 2>&1)" = "$(printf '%s\n' "$t/out/a.jsonl.zst: ok" "$t/out/b.jsonl.zst: ok")" ]; then
	echo "ok pipelines/batch.mk: check tests every archive"
else
	echo "not ok pipelines/batch.mk: check: $(mk check 2>&1)"
fi
cp "$t/bad.txt" "$t/in/c.txt"
if ! mk >/dev/null 2>&1 && [ ! -e "$t/out/c.jsonl.zst" ] &&
    [ -z "$(ls -A "$t/out" | grep -v '^[ab].jsonl.zst$')" ]; then
	echo "ok pipelines/batch.mk: a bad dump fails make, no archive"
else
	echo "not ok pipelines/batch.mk: bad dump: $(ls -A "$t/out")"
fi
rm "$t/in/c.txt"
mk clean >/dev/null 2>&1
if [ -z "$(ls -A "$t/out")" ]; then
	echo "ok pipelines/batch.mk: clean"
else
	echo "not ok pipelines/batch.mk: clean left $(ls -A "$t/out")"
fi

# dedupe-corpus equals the sequential run, for 1, 2 and 4 partitions.
mkdir -p "$t/corpus"
python3 "$TOP/tests/bench/gencorpus.py" 1 >"$t/all.txt"
# Cut into four dumps at post boundaries; the same posts recur across them
# because the generator repeats bodies.
awk -v dir="$t/corpus" '/^Forwarded from / { n++ } { f = int(n / 120) % 4; print > (dir "/d" f ".txt") }' "$t/all.txt"
cat "$t/corpus/d0.txt" "$t/corpus/d0.txt" >"$t/corpus/d4.txt"	# a repost of a whole dump
dumps="$t/corpus/d0.txt $t/corpus/d1.txt $t/corpus/d2.txt $t/corpus/d3.txt $t/corpus/d4.txt"
for d in $dumps; do
	n=${d##*/}
	split-posts --source "${n%.txt}" "$d" | normalise-unicode
done | dedupe-paragraphs --scope stream | tag-extract >"$t/seq.jsonl"
# same_as_sequential: whether the archives in $t/par, read in dump order,
# hold exactly the sequential run's records
same_as_sequential() {
	for d in $dumps; do
		n2=${d##*/}
		zstdcat "$t/par/${n2%.txt}.jsonl.zst"
	done >"$t/par.jsonl"
	cmp -s "$t/seq.jsonl" "$t/par.jsonl"
}
for n in 1 2 4; do
	rm -rf "$t/par"
	if "$P/dedupe-corpus" -j 2 -P "$n" "$t/par" $dumps 2>"$t/err"; then
		if same_as_sequential; then
			echo "ok pipelines/dedupe-corpus: $n partitions equal the sequential run"
		else
			echo "not ok pipelines/dedupe-corpus: $n partitions differ from the sequential run"
		fi
	else
		echo "not ok pipelines/dedupe-corpus: $n partitions: $(cat "$t/err")"
	fi
done
if [ "$(wc -l <"$t/seq.jsonl")" -gt 0 ] && [ "$(jq -r .text "$t/seq.jsonl" | wc -l)" -lt "$(for d in $dumps; do split-posts "$d"; done | jq -r .text | wc -l)" ]; then
	echo "ok pipelines/dedupe-corpus: the corpus has repeats across dumps to remove"
else
	echo "not ok pipelines/dedupe-corpus: the test corpus removes nothing"
fi

# --sshlogin for real: an sshd on a spare port of this machine, a key of
# the test's own.
sshd=$(command -v sshd || echo /usr/sbin/sshd)
port=22$(( $$ % 90 + 10 ))
if [ -x "$sshd" ] && command -v ssh >/dev/null; then
	mkdir -p "$t/ssh" && chmod 700 "$t/ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$t/ssh/host" &&
	ssh-keygen -q -t ed25519 -N '' -f "$t/ssh/user" &&
	mkdir -p ~/.ssh && chmod 700 ~/.ssh &&
	cp ~/.ssh/authorized_keys "$t/ssh/auth.saved" 2>/dev/null
	cat "$t/ssh/user.pub" >>~/.ssh/authorized_keys
	mkdir -p /run/sshd
	"$sshd" -f /dev/null -h "$t/ssh/host" -p "$port" -o ListenAddress=127.0.0.1 \
	    -o PidFile="$t/ssh/pid" -o PermitRootLogin=prohibit-password \
	    -o StrictModes=no -o AuthorizedKeysFile=.ssh/authorized_keys 2>"$t/ssh/log"
	sleep 1
	cat >"$t/ssh/config" <<CFG
Host testhost
	HostName 127.0.0.1
	Port $port
	IdentityFile $t/ssh/user
	StrictHostKeyChecking no
	UserKnownHostsFile /dev/null
	LogLevel ERROR
CFG
	mkdir -p "$t/ssh/bin"
	printf '#!/bin/sh\nexec /usr/bin/ssh -F "%s" "$@"\n' "$t/ssh/config" >"$t/ssh/bin/ssh"
	chmod +x "$t/ssh/bin/ssh"
	if PATH="$t/ssh/bin:$PATH" ssh -o BatchMode=yes testhost true 2>/dev/null; then
		rm -rf "$t/par"
		if PATH="$t/ssh/bin:$PATH" "$P/dedupe-corpus" -j 1 -P 2 --sshlogin "testhost,:" "$t/par" $dumps 2>"$t/err"; then
			if same_as_sequential; then
				echo "ok pipelines/dedupe-corpus: --sshlogin over a real sshd equals the sequential run"
			else
				echo "not ok pipelines/dedupe-corpus: --sshlogin result differs"
			fi
		else
			echo "not ok pipelines/dedupe-corpus: --sshlogin: $(cat "$t/err")"
		fi
	else
		echo "skip pipelines/dedupe-corpus: --sshlogin: sshd could not be started here ($(head -c 200 "$t/ssh/log"))"
	fi
	[ -f "$t/ssh/pid" ] && kill "$(cat "$t/ssh/pid")" 2>/dev/null
	if [ -f "$t/ssh/auth.saved" ]; then cp "$t/ssh/auth.saved" ~/.ssh/authorized_keys
	else grep -v -F "$(cat "$t/ssh/user.pub")" ~/.ssh/authorized_keys >"$t/ssh/auth.new"; cp "$t/ssh/auth.new" ~/.ssh/authorized_keys; fi
else
	echo "skip pipelines/dedupe-corpus: --sshlogin: no sshd on this machine"
fi
