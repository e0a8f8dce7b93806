tag-extract >/dev/full
