"""Dates known to a year, a month or a day (issue 16): "2018", "2018-03" or "2018-03-05".

A partial date is kept as the first day of its period plus its precision, so the database
still orders and compares plain dates; it is read back, written to files and shown at the
precision it was typed with ("2018", "March 2018", "5 March 2018")."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.functions import TruncMonth, TruncYear
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    """How much of a date is known."""

    YEAR = "year", _("year")
    MONTH = "month", _("month")
    DAY = "day", _("day")


# "2018", "2018-03", "2018-03-05" (also with one-digit month or day), and "03/2018".
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{4})$")
FIRST_YEAR, LAST_YEAR = 1800, 2100

# The layout of each precision on a page; month names come in the active language.
_DISPLAY_FORMATS = {Precision.YEAR: "Y", Precision.MONTH: "F Y", Precision.DAY: "j F Y"}


@dataclass(frozen=True)
class PartialDate:
    """The first day of a year, month or day, and which of the three it stands for."""

    date: datetime.date
    precision: str = Precision.DAY

    def __post_init__(self):
        # A plain text, so that "day" and Precision.DAY make equal, equally hashed values.
        object.__setattr__(self, "precision", Precision(self.precision).value)

    def __str__(self):
        return self.iso()

    def iso(self):
        """Return the date as it is typed and written to files: 2018, 2018-03 or 2018-03-05."""
        if self.precision == Precision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision == Precision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()

    def display(self):
        """Return the date for a reader in the active language: 2018, March 2018, 5 March 2018."""
        return formats.date_format(self.date, _DISPLAY_FORMATS[Precision(self.precision)])

    def last_day(self):
        """Return the last day of the period this date stands for."""
        if self.precision == Precision.YEAR:
            return self.date.replace(month=12, day=31)
        if self.precision == Precision.MONTH:
            following = (self.date.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            return following - datetime.timedelta(days=1)
        return self.date


def partial_date(value, precision=Precision.DAY):
    """Return the PartialDate of a stored date (or an ISO text) and its precision; None for
    no date."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return PartialDate(first_day(value, precision), precision or Precision.DAY)


def first_day(value, precision):
    """Return the first day of the period of `value` at `precision`."""
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return value.replace(day=1)
    return value


def parse_partial_date(text):
    """Return the PartialDate typed as '2015', '2015-06', '06/2015' or '2015-06-30', or raise
    ValidationError saying what is wrong."""
    text = text.strip()
    iso, month_year = _ISO.match(text), _MONTH_YEAR.match(text)
    if iso:
        year, month, day = iso.groups()
    elif month_year:
        (month, year), day = month_year.groups(), None
    else:
        raise ValidationError(
            _("'%(value)s' is not a date such as 2015, 2015-06 or 2015-06-30."),
            code="invalid",
            params={"value": text},
        )
    precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValidationError(
            _("%(value)s is not a plausible year."), code="invalid", params={"value": text}
        )
    if month and not 1 <= int(month) <= 12:
        raise ValidationError(
            _("'%(value)s' has no month %(month)s: months run from 01 to 12."),
            code="invalid",
            params={"value": text, "month": month},
        )
    try:
        value = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValidationError(
            _("'%(value)s' is not a day of the calendar."),
            code="invalid",
            params={"value": text},
        ) from None
    return PartialDate(value, precision)


def ends_before(until, since):
    """Return whether the period `until` ends before the period `since` begins (the only
    order refused: until=2018 with since=2018-06 is fine)."""
    return until is not None and since is not None and until.last_day() < since.date


def until_not_before_since(since="since", until="until", until_precision="until_precision"):
    """Return the Q of a check constraint: `until`'s period does not end before `since`.

    `until` is stored as the first day of its period, so it ends before `since` exactly when
    it is earlier than `since` cut down to `until`'s precision."""
    since_cut = Case(
        When(**{until_precision: Precision.YEAR}, then=TruncYear(since)),
        When(**{until_precision: Precision.MONTH}, then=TruncMonth(since)),
        default=F(since),
        output_field=models.DateField(),
    )
    return (
        Q(**{f"{until}__isnull": True})
        | Q(**{f"{since}__isnull": True})
        | Q(**{f"{until}__gte": since_cut})
    )


def partial_date_fields(name, value):
    """Return the model fields that store `value` under `name`: {name: first day,
    name_precision: precision}. `value` is a PartialDate, a plain date (a day), a text as
    parse_partial_date reads it, or None (no date)."""
    if isinstance(value, str):
        value = parse_partial_date(value) if value.strip() else None
    if value is None:
        return {name: None, f"{name}_precision": Precision.DAY}
    if not isinstance(value, PartialDate):
        value = PartialDate(value, Precision.DAY)
    return {name: value.date, f"{name}_precision": value.precision}
