compress-archive "$TOP/samples/channel.split-posts.jsonl" | compress-archive -d
