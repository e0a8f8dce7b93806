dedupe-paragraphs -v < "$D/stream.in" 2>&1 >/dev/null | sed "s/RSS [0-9]* KiB/RSS N KiB/; s/[0-9.]* s\$/T s/"
