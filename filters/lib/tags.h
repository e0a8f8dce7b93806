/*
 * tags: hashtags, mentions, cashtags and URLs found the way Telegram finds
 * them (TDLib, td/telegram/MessageEntity.cpp: match_hashtags,
 * match_cashtags, match_mentions, match_urls with fix_url and the list of
 * known top-level domains, match_tg_urls, is_email_address, and the overlap
 * rule of find_entities), over ICU character classes (u_charType).
 *
 * tags_find takes valid UTF-8 and leaves in t->e the entities of the four
 * reported kinds, in text order.  An entity that starts inside an earlier
 * one (the #fragment of a URL, the @host of an e-mail) is dropped; e-mail
 * addresses and bank card numbers take part in that rule but are not
 * reported.  (Bot commands and media timestamps, which Telegram skips in
 * channel posts, are not looked for.)  tags_from_export
 * fills t->e from a Telegram Desktop export's text_entities array instead.
 * Values point into the text or into t's own storage and stay valid until
 * the next call.  The values of the hashtags, mentions and cashtags
 * tags_find leaves hold letters, digits, '_', '@', U+00B7 and U+200C, as
 * do their foldings: nothing JSON escapes (tests check this).
 *
 * A tags_set removes repeats from one kind's values: the first spelling of
 * each key is kept.
 */
#ifndef TAGS_H
#define TAGS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum tags_kind {
	TAGS_HASHTAG, TAGS_MENTION, TAGS_CASHTAG, TAGS_URL,
	TAGS_NKINDS,
	TAGS_EMAIL = TAGS_NKINDS,	/* found, never reported */
	TAGS_CARD			/* a bank card number: the same */
};

/* The field names: "hashtags", "mentions", "cashtags", "urls". */
extern const char *const tags_field[TAGS_NKINDS];
/* The kinds in --tsv output: "hashtag", "mention", "cashtag", "url". */
extern const char *const tags_kind_name[TAGS_NKINDS];

struct tags_entity {
	enum tags_kind	 kind;
	size_t		 off, len;	/* in the text, sigil included */
	const char	*v;		/* the value, without sigil */
	size_t		 vlen;
};

struct tags {
	struct tags_entity	*e;
	size_t			 n, cap;
	struct buf		 store;		/* values decoded from an export */
	void			*casemap;	/* ICU UCaseMap, for folding */
	uint16_t		*fold;		/* the BMP folded, filled as
						 * met; see tags_fold */
	uint8_t			*tagc;		/* the BMP's is_tag_char, the
						 * same way; see tag_char */
	int			 fast;		/* the fast paths are on (tests
						 * turn them off to compare) */
};

void	tags_init(struct tags *);
void	tags_release(struct tags *);
/* Find the entities of s[0..n), which must be valid UTF-8. */
void	tags_find(struct tags *, const char *s, size_t n);
/*
 * Take the entities from the JSON text json[0..n) of a text_entities
 * array (already checked to be JSON): elements {"type": T, "text": S, ...}
 * with T "hashtag", "mention", "cashtag" or "link" give an entity; other
 * types are skipped.  0, or -1 with *why set.
 */
int	tags_from_export(struct tags *, const char *json, size_t n,
	    const char **why);
/* Append the Unicode full case folding of s[0..n) (valid UTF-8) to out. */
void	tags_fold(struct tags *, const char *s, size_t n, struct buf *out);

struct tags_set {
	struct buf	 keys;		/* the keys, back to back */
	size_t		*off;		/* key i is keys.data[off[i]..off[i+1]) */
	size_t		 n, cap;
	uint64_t	*slot;		/* hash high half | 1 + key index; 0 empty;
					 * used only past a few keys */
	size_t		 nslot;		/* a power of two, or 0 */
};

void	tags_set_init(struct tags_set *);
void	tags_set_release(struct tags_set *);
void	tags_set_clear(struct tags_set *);
/* 1 when key is new (and now in the set), 0 when it was there. */
int	tags_set_add(struct tags_set *, const char *key, size_t n);

#endif
