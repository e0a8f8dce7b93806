cd "$D" && split-posts -o /dev/stdout stdin.in
