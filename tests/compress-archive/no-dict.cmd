compress-archive "$D/records.in" > a && compress-archive --extract-dict d a; st=$?; ls -A; exit $st
