tag-extract -v 2>&1 >/dev/null | sed 's/[0-9.]* s$/T s/'
