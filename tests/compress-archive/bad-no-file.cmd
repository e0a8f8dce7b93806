compress-archive -o a.zst < "$D/bad.in"; st=$?; ls -A; exit $st
