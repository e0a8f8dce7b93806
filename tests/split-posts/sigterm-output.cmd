{ echo "Forwarded from A"; echo text; sleep 30; } | split-posts -o out.jsonl 2>err &
sleep 1
kill -TERM $!
wait $! 2>/dev/null
echo "status $?"
cat err
ls -A
