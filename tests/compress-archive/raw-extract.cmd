compress-archive --raw "$D/raw.in" > a && compress-archive --extract 3-4 a | od -c
