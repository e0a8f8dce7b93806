# pipelines/batch.mk: every dump IN/*.txt into OUT/<name>.jsonl.zst.
#
#   make -f pipelines/batch.mk IN=dumps OUT=archives -j
#   make -f pipelines/batch.mk IN=dumps OUT=archives check   # test every archive
#   make -f pipelines/batch.mk IN=dumps OUT=archives clean
#
# Only archives older than their dump are rebuilt.  Each is written by
# telegram-archive under a temporary name and renamed when the whole chain
# succeeded, so an interrupted or failed make leaves no half archive that
# looks complete.  ARGS passes options to telegram-archive, e.g.
# ARGS="--compress '-l 19'".  The programs are taken from BIN (default:
# this project's bin/), else from PATH.

HERE	:= $(dir $(lastword $(MAKEFILE_LIST)))
IN	?= .
OUT	?= .
BIN	?= $(abspath $(HERE)../bin)
ARGS	?=
export PATH := $(BIN):$(PATH)

DUMPS	 := $(wildcard $(IN)/*.txt)
ARCHIVES := $(patsubst $(IN)/%.txt,$(OUT)/%.jsonl.zst,$(DUMPS))

all: $(ARCHIVES)

$(OUT)/%.jsonl.zst: $(IN)/%.txt
	@mkdir -p $(@D)
	$(HERE)telegram-archive $(ARGS) $< $@

check: $(ARCHIVES)
	@status=0; for a in $(ARCHIVES); do \
	    if compress-archive -q -t "$$a"; then echo "$$a: ok"; \
	    else echo "$$a: FAILED"; status=1; fi; \
	done; exit $$status

clean:
	rm -f $(ARCHIVES)

.PHONY: all check clean
.DELETE_ON_ERROR:
