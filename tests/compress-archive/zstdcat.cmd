compress-archive "$D/records.in" | zstd -dc
