split-posts -o no/such/dir/out.jsonl "$TOP/samples/channel.txt"; st=$?; ls -A; exit $st
