normalise-unicode --help | head -1; normalise-unicode --no-cleanup --form nfc
