echo "[1,2]" | compress-archive > /dev/null
