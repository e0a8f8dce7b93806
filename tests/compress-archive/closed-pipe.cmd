awk "BEGIN { for (i = 0; i < 200000; i++) print \"{}\" }" | compress-archive | compress-archive -d | head -n 1
