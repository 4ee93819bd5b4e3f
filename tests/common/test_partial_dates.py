"""Dates known to a year, a month or a day (common.partial_dates, issue 16)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from common.partial_dates import (
    PartialDate,
    Precision,
    ends_before,
    parse_partial_date,
    partial_date_fields,
)


@pytest.mark.parametrize(
    ("typed", "first_day", "precision", "iso"),
    [
        ("2018", datetime.date(2018, 1, 1), Precision.YEAR, "2018"),
        ("2018-03", datetime.date(2018, 3, 1), Precision.MONTH, "2018-03"),
        ("2018-3", datetime.date(2018, 3, 1), Precision.MONTH, "2018-03"),
        ("03/2018", datetime.date(2018, 3, 1), Precision.MONTH, "2018-03"),
        (" 2018-03-05 ", datetime.date(2018, 3, 5), Precision.DAY, "2018-03-05"),
    ],
)
def test_a_typed_date_keeps_its_precision(typed, first_day, precision, iso):
    """'2018' is the year 2018, not 1 January 2018: read back, it is written as typed."""
    value = parse_partial_date(typed)

    assert (value.date, value.precision, value.iso()) == (first_day, precision, iso)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2018-13", "'2018-13' has no month 13: months run from 01 to 12."),
        ("2018-02-30", "'2018-02-30' is not a day of the calendar."),
        ("1700", "1700 is not a plausible year."),
        ("March 2018", "'March 2018' is not a date such as 2015, 2015-06 or 2015-06-30."),
    ],
)
def test_a_bad_date_is_refused_saying_what_is_wrong(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_partial_date(typed)
    assert refused.value.messages == [message]


def test_a_date_reads_at_its_precision_in_english_and_hindi():
    """The month's name comes in the reader's language (Django's date formatting)."""
    dates = [parse_partial_date(text) for text in ("2018", "2018-03", "2018-03-05")]
    with translation.override("en-in"):
        assert [value.display() for value in dates] == ["2018", "March 2018", "5 March 2018"]
    with translation.override("hi"):
        assert [value.display() for value in dates] == ["2018", "मार्च 2018", "5 मार्च 2018"]


@pytest.mark.parametrize(
    ("since", "until", "refused"),
    [
        ("2018-06", "2018", False),  # the year 2018 does not end before June 2018
        ("2018-06-15", "2018-06", False),
        ("2018", "2018-01-01", False),
        ("2018-06", "2018-05", True),
        ("2018-06-15", "2018-06-14", True),
        ("2019", "2018-12", True),
        ("2019-01-01", "2018", True),
    ],
)
def test_until_is_refused_only_when_its_whole_period_is_before_since(since, until, refused):
    assert ends_before(parse_partial_date(until), parse_partial_date(since)) is refused


def test_a_leap_february_ends_on_the_29th():
    assert PartialDate(datetime.date(2024, 2, 1), Precision.MONTH).last_day() == datetime.date(
        2024, 2, 29
    )


def test_the_stored_fields_of_each_kind_of_value():
    """A PartialDate, a text, a plain date (a day) and None each give a date and a precision."""
    assert partial_date_fields("since", "2018-03") == {
        "since": datetime.date(2018, 3, 1),
        "since_precision": "month",
    }
    assert partial_date_fields("until", datetime.date(2018, 3, 5)) == {
        "until": datetime.date(2018, 3, 5),
        "until_precision": "day",
    }
    assert partial_date_fields("until", None) == {"until": None, "until_precision": "day"}
