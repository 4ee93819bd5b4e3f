"""Numbers as Indian readers expect them (12,00,000; Rs 40 lakh; Rs 1,350 crore) and as
spreadsheets write them."""

from decimal import Decimal

import pytest

from common.forms import parse_whole_number
from common.numbers import (
    format_amount,
    format_count,
    group_indian,
    group_international,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999, "999"),
        (1000, "1,000"),
        (12000, "12,000"),
        (100_000, "1,00,000"),
        (1_234_567, "12,34,567"),
        (12_345_678, "1,23,45,678"),
        (50_000_000_000, "50,00,00,00,000"),
        (-1_234_567, "-12,34,567"),
        (Decimal("120000"), "1,20,000"),
    ],
)
def test_indian_grouping(value, text):
    """The last three digits, then pairs: 1234567 is 12,34,567."""
    assert group_indian(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (1000, "1,000"), (1_234_567, "1,234,567"), (-1000, "-1,000")]
)
def test_international_grouping(value, text):
    """Outside India digits group in threes."""
    assert group_international(value) == text


@pytest.mark.parametrize(
    ("value", "country", "text"),
    [
        (120_000, "IN", "1,20,000"),
        (120_000, "IT", "120,000"),
        (3200, "IN", "3,200"),
        (None, "IN", ""),
    ],
)
def test_counts_are_formatted_for_the_country(value, country, text):
    """An Indian count reads 1,20,000; an Italian one 120,000; unknown is blank, not 0."""
    assert format_count(value, country) == text


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [
        (13_500_000_000, "INR", "₹1,350 crore"),
        (50_000_000_000, "INR", "₹5,000 crore"),
        (100_000_000, "INR", "₹10 crore"),
        (98_000_000, "INR", "₹9.8 crore"),
        (12_345_678, "INR", "₹1.23 crore"),
        (10_000_000, "INR", "₹1 crore"),
        (4_000_000, "INR", "₹40 lakh"),
        (150_000, "INR", "₹1.5 lakh"),
        (100_000, "INR", "₹1 lakh"),
        (99_999, "INR", "₹99,999"),
        (0, "INR", "₹0"),
        (2_000_000, "EUR", "EUR 2,000,000"),
        (None, "INR", ""),
    ],
)
def test_amounts_read_in_lakh_and_crore(value, currency, text):
    """Rupee amounts read in lakh and crore; other currencies by code with groups of three."""
    assert format_amount(value, currency) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12000", 12000),
        ("12,000", 12000),
        ("12,00,000", 1_200_000),
        ("1,200,000", 1_200_000),
        (" 3 200 ", 3200),
        ("1200.0", 1200),
        ("0", 0),
        ("-5", -5),
    ],
)
def test_whole_numbers_are_read_as_people_write_them(text, value):
    """Indian and international grouping, spaces and a trailing .0 are all whole numbers."""
    assert parse_whole_number(text) == value


@pytest.mark.parametrize("text", ["12.5", "lots", "1,2,3", "12,0000", "NaN", "Infinity", ""])
def test_text_that_is_not_a_whole_number_is_refused(text):
    """Fractions, words, misplaced commas and non-finite values are refused."""
    with pytest.raises(ValueError):
        parse_whole_number(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("10,000", 10_000),
        ("12,00,000", 1_200_000),
        ("1,200,000", 1_200_000),
        ("1.2 lakh", 120_000),
        ("12 lakhs", 1_200_000),
        ("₹5 crore", 50_000_000),
        ("₹ 1,350 crore", 13_500_000_000),
        ("Rs. 40 lakh", 4_000_000),
        ("1.5cr", 15_000_000),
        ("5 करोड़", 50_000_000),
        ("3 लाख", 300_000),
        ("50000000000", 50_000_000_000),
    ],
)
def test_quantities_are_read_as_people_write_them(text, number):
    assert parse_quantity(text) == number


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "-5", "1.234567 lakh", "5 bananas", "1.5"])
def test_what_is_no_whole_quantity_is_refused(text):
    with pytest.raises(ValueError):
        parse_quantity(text)
