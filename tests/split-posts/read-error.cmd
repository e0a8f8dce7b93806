split-posts /
