: > e && compress-archive -t e
