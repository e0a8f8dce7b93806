cd "$D" && split-posts stdin.in crlf.in
