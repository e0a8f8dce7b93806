yes "Forwarded from A" | head -n 300000 | split-posts | head -c 10; echo
