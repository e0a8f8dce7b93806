normalise-unicode --bogus
