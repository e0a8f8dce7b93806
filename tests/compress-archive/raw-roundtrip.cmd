compress-archive --raw "$D/raw.in" | zstd -dc | od -c
