tag-extract --bogus
