"""A bad cluster file's messages in Hindi: whole sentences, naming the row and the column,
with no English words but the file's own column names and values; in English they stay
"row N, COLUMN: message" as the command-line contract has them."""

import pytest
from django.utils import translation

from clusters.imports import ClusterImporter
from clusters.models import Region
from tests.hindi import english_words, is_hindi

pytestmark = pytest.mark.django_db

HEADER = (
    "product,place,state,country,cluster_type,enterprise_count,annual_turnover,currency,"
    "figures_year,origin,stage,estimated,latitude\n"
)
BAD_ROWS = (
    ",Meerut,Uttar Pradesh,IN,industrial,150,,,,,,,\n"  # 2: no product
    "Bell metal,Khagra,West Bengal,IN,handcraft,80,,,,,,,\n"  # 3: unknown type
    "Looms,Sualkuchi,Assam,IN,handloom,-3,,,,,,,\n"  # 4: a negative count
    "Locks,Aligarh,Uttar Pradesh,IN,industrial,many,,,,,,,\n"  # 5: not a count
    "Brass,Moradabad,Uttar Pradesh,IN,industrial,90,lots,,,,,,\n"  # 6: not an amount
    "Marble,Carrara,,ITA,industrial,90,,,,,,,\n"  # 7: not a country code
    "Knitwear,Tirupur,Tamil Nadu,IN,industrial,90,,RUPEES,,,,,\n"  # 8: not a currency
    "Silk,Kanchipuram,Tamil Nadu,IN,handloom,,,,2015-17,,,,\n"  # 9: not a fiscal year
    "Coir,Alappuzha,Kerala,IN,handicraft,,,,,alien,,,\n"  # 10: not an origin
    "Glass,Firozabad,Atlantis,IN,industrial,90,,,,,,,\n"  # 11: not a state
    "Carpets,Bhadohi,Uttar Pradesh,IN,handicraft,90,,,,,adolescence,maybe,\n"  # 12: two
    "Tiles,Morbi,Gujarat,IN,industrial,90,,,,,,,north\n"  # 13: not degrees
    "Tiles,Morbi,Gujarat,IN,industrial,90,,,,,,,\n"  # 14: the same as...
    "Tiles,Morbi,Gujarat,IN,industrial,90,,,,,,,\n"  # 15: ...this one
)
EXPECTED_COLUMNS = [
    (2, "product"),
    (3, "cluster_type"),
    (4, "enterprise_count"),
    (5, "enterprise_count"),
    (6, "annual_turnover"),
    (7, "country"),
    (8, "currency"),
    (9, "figures_year"),
    (10, "origin"),
    (11, "state"),
    (12, "estimated"),
    (12, "stage"),
    (13, "latitude"),
    (15, "product"),
]
# The file's own words (its columns, cells and the codes a message lists) stay as they are.
CODES = "industrial handicraft handloom service natural induced birth growth maturity decline"


def import_in(language, text):
    with translation.override(language):
        result = ClusterImporter().run(text.encode())
        return result, [str(error) for error in result.errors]


def allowed_words():
    return [HEADER, BAD_ROWS, CODES, *Region.objects.values_list("name", flat=True)]


def test_a_bad_files_messages_in_hindi_have_no_english_but_the_files_words():
    """Every message, row and column named, reads in Hindi; only data stays in Latin."""
    result, lines = import_in("hi", HEADER + BAD_ROWS)
    assert sorted((e.row, e.column) for e in result.errors) == sorted(EXPECTED_COLUMNS)
    for error, line in zip(result.errors, lines, strict=True):
        assert line.startswith(f"पंक्ति {error.row}, {error.column}: "), line
        assert is_hindi(error.message), line
        # ISO 3166 / ISO 4217 name the standards, as a Hindi reader finds them.
        assert english_words(line, allowed=[*allowed_words(), "ISO alpha"]) == [], line


def test_hindi_messages_are_whole_sentences_of_their_own():
    """The code fields say what they expected in a sentence of their own, not an English
    noun put into a Hindi one."""
    result, _lines = import_in("hi", HEADER + BAD_ROWS)
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(3, "cluster_type")] == (
        "'handcraft' कोई क्लस्टर प्रकार नहीं है; इनमें से एक लिखें: "
        "industrial, handicraft, handloom, service।"
    )
    assert messages[(4, "enterprise_count")] == "-3 ऋणात्मक है: गिनती 0 या उससे अधिक होती है।"
    assert messages[(6, "annual_turnover")].startswith("'lots' कोई राशि नहीं है")
    assert messages[(15, "product")] == ("पंक्ति 14 की दोहरी प्रविष्टि: वही रिकॉर्ड फ़ाइल में दो बार है")


def test_the_same_file_in_english_keeps_the_contracts_row_and_column_form():
    """In English the messages are as the command line prints them."""
    _result, lines = import_in("en", HEADER + BAD_ROWS)
    assert "row 2, product: the product is missing" in lines
    assert "row 4, enterprise_count: -3 is negative: a count is 0 or more." in lines
    assert "row 6, annual_turnover: 'lots' is not an amount: use a whole number of 0 or more." in (
        lines
    )
    assert "row 10, origin: 'alien' is not an origin; use one of: natural, induced." in lines
    assert (
        "row 15, product: duplicate of row 14: the same record appears twice in the file" in lines
    )


def test_a_file_level_error_in_hindi_names_the_missing_columns_with_a_plural():
    """A header without required columns: one sentence in Hindi, singular or plural."""
    _result, one = import_in("hi", "product,place\nLocks,Aligarh\n")
    _result, two = import_in("hi", "product\nLocks\n")
    assert one == ["पंक्ति 1, फ़ाइल: शीर्ष पंक्ति में आवश्यक कॉलम नहीं है: cluster_type"]
    assert two == ["पंक्ति 1, फ़ाइल: शीर्ष पंक्ति में आवश्यक कॉलम नहीं हैं: place, cluster_type"]


@pytest.mark.parametrize(
    ("columns", "english", "hindi"),
    [
        ("colour", "ignored unknown column: colour", "अज्ञात कॉलम छोड़ दिया गया: colour"),
        (
            "colour,size",
            "ignored unknown columns: colour, size",
            "अज्ञात कॉलम छोड़ दिए गए: colour, size",
        ),
    ],
)
def test_the_unknown_columns_warning_counts_them(columns, english, hindi):
    """One unknown column or several: the warning's plural follows the count (ngettext)."""
    text = f"product,place,cluster_type,{columns}\nLocks,Aligarh,industrial,red,big\n"
    for language, expected in (("en", english), ("hi", hindi)):
        with translation.override(language):
            assert ClusterImporter().run(text.encode(), dry_run=True).warnings == [expected]
