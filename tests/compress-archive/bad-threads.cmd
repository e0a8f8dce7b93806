# Checked in worker threads, the first bad line is the one reported, with
# its file, line and column, whichever thread found which first.
cp "$D/records.in" "$D/mixed.in" . &&
compress-archive -T 3 --frame-size 1 records.in mixed.in >/dev/null
