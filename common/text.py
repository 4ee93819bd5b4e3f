"""Text normalisation used for identities (duplicate detection) and slugs."""

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def collapse_spaces(value):
    """Return `value` trimmed, with every run of white space turned into one space."""
    return _SPACES.sub(" ", value or "").strip()


@functools.lru_cache(maxsize=1 << 18)
def normalise(value):
    """Return `value` compared the way identities compare: no case, accents or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", collapse_spaces(value))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


_NON_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=1 << 18)
def normalise_name(value):
    """Return a name as names compare for de-duplication: as `normalise`, and punctuation
    ignored too ('M/s. Kumar & Sons (Regd.)' matches 'M/s Kumar & Sons (Regd)')."""
    return collapse_spaces(_NON_WORD.sub(" ", normalise(value)))
