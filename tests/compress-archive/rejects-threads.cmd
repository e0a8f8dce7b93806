# Records are checked in the worker threads with -T 2: the bad lines
# still go to --rejects in input order, byte for byte (BOM, CR and all),
# and the archive equals the -T 1 one.
compress-archive --rejects bad2.txt -T 2 --frame-size 1 -o two.zst "$D/mixed.in" &&
compress-archive --rejects bad1.txt -T 1 --frame-size 1 -o one.zst "$D/mixed.in" &&
cmp one.zst two.zst && cmp bad1.txt bad2.txt &&
compress-archive -d two.zst && od -c bad2.txt
