compress-archive --frame-size 120 "$D/records.in" > a && compress-archive --extract 3 a
