compress-archive "$D/records.in" > a && zstd -q -c "$D/records.in" > plain.zst && compress-archive -t plain.zst
