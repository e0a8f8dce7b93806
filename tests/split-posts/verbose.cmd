split-posts -v --source x "$D/stdin.in" 2>&1 >/dev/null | sed "s/, [0-9.]* s$/, T s/"
