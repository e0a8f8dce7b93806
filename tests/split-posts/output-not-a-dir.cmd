cd "$D" && split-posts -o samples.args/x "$TOP/samples/channel.txt"
