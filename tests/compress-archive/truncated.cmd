compress-archive --frame-size 120 "$D/records.in" > a && head -c 100 a > cut && compress-archive -d cut
