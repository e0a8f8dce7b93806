yes '{"id":1,"text":"#a"}' | head -n 100000 | tag-extract | head -n 1
