dedupe-paragraphs --scope stream --partition 0/2 < "$D/stream.in"
