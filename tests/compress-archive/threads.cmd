compress-archive -T 1 --frame-size 50 "$D/records.in" > a && compress-archive -T 3 --frame-size 50 "$D/records.in" > b && cmp a b && compress-archive -d b
