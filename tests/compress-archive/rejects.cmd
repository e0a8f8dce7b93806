compress-archive --rejects bad.txt < "$D/bad.in" | compress-archive -d && cat bad.txt
