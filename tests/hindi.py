"""What a Hindi reader sees: the English words left in a message that should have none."""

import re

WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def english_words(text, *, allowed=()):
    """Return the Latin-letter words of `text` that are not among `allowed` (the file's
    column names and values, codes, which are data and stay as written)."""
    kept = set()
    for item in allowed:
        kept.update(WORD.findall(str(item)))
    return sorted(set(WORD.findall(text)) - kept)


def is_hindi(text):
    """Return whether `text` is written (at least partly) in Devanagari."""
    return bool(DEVANAGARI.search(text))
