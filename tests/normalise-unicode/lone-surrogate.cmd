normalise-unicode -v 2>err; sed "s/, [0-9.]* s\$/, T s/" err >&2
