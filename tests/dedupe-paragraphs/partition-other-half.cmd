dedupe-paragraphs --scope stream --partition 1/2 < "$D/stream.in"
