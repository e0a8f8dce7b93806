# With -T 2 the workers check the records: a bad one in a later frame
# stops the run with the message -T 1 gives, and leaves no archive.
cat "$D/records.in" "$D/bad.in" >in.jsonl &&
compress-archive -T 2 --frame-size 20 -o a.zst in.jsonl; s=$?
test ! -e a.zst && exit $s
