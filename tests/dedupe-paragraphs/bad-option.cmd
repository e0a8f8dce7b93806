dedupe-paragraphs --bogus
