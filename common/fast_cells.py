"""Plain-function readings of import cells that are clearly valid (the imports' fast path).

Each reader returns exactly what the row form's field would clean the cell to, or raises
`Unclear` when the cell is anything but plainly valid (a stray case is fine, a grouping
comma, a port in a URL or a quoted local part in an e-mail address are not): the row form
then reads the whole row and names the error, so every message stays the form's. The forms
remain the definition; the tests run both over the same tricky cells and compare.

`values` is a row as common.tabular yields it: {column: stripped, restored text}.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError

from .text import collapse_spaces

_PLAIN_HOST = r"(?i:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})"
_PLAIN_URL = re.compile(rf"(?:https?://)?{_PLAIN_HOST}(?:/[A-Za-z0-9._~%/-]*)?")
_PLAIN_EMAIL = re.compile(rf"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@{_PLAIN_HOST}")
_PLAIN_DEGREES = re.compile(r"-?\d{1,3}(?:\.\d{1,9})?")
_MICRODEGREE = Decimal("0.000001")


class Unclear(Exception):
    """The cell is not plainly valid: let the row form read the row (and name any error)."""


def text(values, name, max_length=None, *, required=False):
    """Return the cell as a CharField gives it (stripped; blank is '')."""
    value = values.get(name)
    if value is None:
        if required:
            raise Unclear
        return ""
    if type(value) is not str:
        raise Unclear
    value = value.strip()
    if (required and not value) or "\x00" in value:
        raise Unclear
    if max_length is not None and len(value) > max_length:
        raise Unclear
    return value


def collapsed(values, name, max_length=None, *, required=False):
    """Return the cell as a CharField gives it, its white space then collapsed."""
    return collapse_spaces(text(values, name, max_length, required=required))


def code(values, name, codes, *, required=False):
    """Return the cell as common.forms.CodeChoiceField gives it (one of `codes`, any case)."""
    value = text(values, name).lower()
    if not value:
        if required:
            raise Unclear
        return ""
    if value not in codes:
        raise Unclear
    return value


def letters(values, name, length, default):
    """Return the cell as common.forms.CodeField gives it (upper case; blank is `default`)."""
    value = text(values, name).upper()
    if not value:
        return default
    if len(value) != length or not value.isalpha() or not value.isascii():
        raise Unclear
    return value


def whole_number(values, name, maximum):
    """Return the cell as common.forms.WholeNumberField gives it, for plain digits only."""
    value = text(values, name)
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Unclear
    number = int(value)
    if number > maximum:
        raise Unclear
    return number


def yes_no(values, name, yes, no):
    """Return the cell as common.forms.YesNoField gives it (blank is None)."""
    value = text(values, name).lower()
    if not value:
        return None
    if value in yes:
        return True
    if value in no:
        return False
    raise Unclear


def degrees(values, name, limit):
    """Return the cell as common.forms.CoordinateField gives it, for plain decimals only."""
    value = text(values, name)
    if not value:
        return None
    if not _PLAIN_DEGREES.fullmatch(value):
        raise Unclear
    number = Decimal(value)
    if abs(number) > limit:
        raise Unclear
    return number.quantize(_MICRODEGREE)


def url(values, name, max_length):
    """Return the cell as forms.URLField(assume_scheme="https") gives it, for a plain
    http(s) address of lower-case host names and a simple path."""
    value = text(values, name)
    if not value:
        return ""
    if len(value) > 240 or not _PLAIN_URL.fullmatch(value):
        raise Unclear
    if not value.startswith(("http://", "https://")):
        value = "https://" + value
    if len(value) > max_length:
        raise Unclear
    return value


def email(values, name):
    """Return the cell as forms.EmailField gives it, for a plain address."""
    value = text(values, name)
    if not value:
        return ""
    if len(value) > 254 or not _PLAIN_EMAIL.fullmatch(value):
        raise Unclear
    return value


def checked(check, value):
    """Return `check(value)` (a validator that returns the cleaned value), or raise Unclear
    where it raises ValidationError."""
    try:
        return check(value)
    except ValidationError:
        raise Unclear from None
