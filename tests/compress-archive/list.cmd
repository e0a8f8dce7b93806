compress-archive --frame-size 120 "$D/records.in" > a && compress-archive --list a | awk "{ print \$1, \$2, \$5, \$7 }"
