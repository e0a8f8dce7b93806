dedupe-paragraphs < "$D/record.in" > /dev/full
