cd "$D" && split-posts crlf.in invalid-utf8.in stdin.in
