compress-archive | zstd -dc
