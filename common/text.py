"""Text normalisation used for identities (duplicate detection) and slugs."""

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def collapse_spaces(value):
    """Return `value` trimmed, with every run of white space turned into one space."""
    return _SPACES.sub(" ", value or "").strip()


# Memoised, a bounded number (an import of a million names stays small): the same cluster,
# state and place names come back on every row. ASCII text has nothing to decompose and no
# accents, and is normalised without Unicode decomposition, which is slow.
CACHED = 1 << 16


@functools.lru_cache(maxsize=CACHED)
def _normalise_unicode(value):
    decomposed = unicodedata.normalize("NFKD", collapse_spaces(value))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


@functools.lru_cache(maxsize=CACHED)
def normalise(value):
    """Return `value` compared the way identities compare: no case, accents or extra spaces."""
    value = value or ""
    if value.isascii():  # NFKD leaves ASCII alone and casefold() is lower() on it
        return " ".join(value.split()).lower()
    return _normalise_unicode(value)


_NON_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=CACHED)
def _normalise_name_unicode(value):
    return collapse_spaces(_NON_WORD.sub(" ", _normalise_unicode(value)))


@functools.lru_cache(maxsize=CACHED)
def normalise_name(value):
    """Return a name as names compare for de-duplication: as `normalise`, and punctuation
    ignored too ('M/s. Kumar & Sons (Regd.)' matches 'M/s Kumar & Sons (Regd)')."""
    value = value or ""
    if value.isascii():  # white space is punctuation here: replaced, then collapsed
        return " ".join(_NON_WORD.sub(" ", value).lower().split())
    return _normalise_name_unicode(value)


_SLUG_DROPPED = re.compile(r"[^\w\s-]")
_SLUG_DASHES = re.compile(r"[-\s]+")


def slugify_fast(value):
    """Return django.utils.text.slugify(value) (the same result: tested), without its lazy
    wrapper and, for ASCII text, without Unicode decomposition (bulk imports slug every
    new row)."""
    if not value.isascii():
        from django.utils.text import slugify

        return slugify(value)
    return _SLUG_DASHES.sub("-", _SLUG_DROPPED.sub("", value.lower())).strip("-_")
