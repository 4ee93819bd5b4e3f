"""normalise / normalise_name: the ASCII short cut gives what Unicode decomposition gives."""

import random
import re
import string
import unicodedata

import pytest
from django.utils.text import slugify

from common.text import normalise, normalise_name, slugify_fast

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")


def _collapse(value):
    return _SPACES.sub(" ", value or "").strip()


def reference_normalise(value):
    decomposed = unicodedata.normalize("NFKD", _collapse(value))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def reference_normalise_name(value):
    return _collapse(_NON_WORD.sub(" ", reference_normalise(value)))


TRICKY = [
    None,
    "",
    "   ",
    "M/s. Kumar & Sons (Regd.)",
    "M/s Kumar & Sons (Regd)",
    "  Tiruppur\tKnitwear\n",
    "snake_case__name",
    "a\x1cb\x1fc",
    "Ünïcode  Näme",
    "ﬁne ligature",
    "non\u00a0breaking",
    "ß Straße",
    "İstanbul",
]


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_values_normalise_as_the_reference(value):
    assert normalise(value) == reference_normalise(value)
    assert normalise_name(value) == reference_normalise_name(value)


def test_random_ascii_normalises_as_the_reference():
    alphabet = string.printable + "\x1c\x1d\x1e\x1f\x7f_-&/."
    generator = random.Random(11)
    for _ in range(20_000):
        value = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 12)))
        assert normalise(value) == reference_normalise(value)
        assert normalise_name(value) == reference_normalise_name(value)


@pytest.mark.parametrize("value", [v for v in TRICKY if v is not None] + ["--a__b--", "_x_"])
def test_tricky_values_slug_as_django(value):
    assert slugify_fast(value) == slugify(value)


def test_random_ascii_slugs_as_django():
    alphabet = string.printable + "\x1c\x1d\x1e\x1f\x7f_-&/."
    generator = random.Random(12)
    for _ in range(20_000):
        value = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 12)))
        assert slugify_fast(value) == slugify(value)
