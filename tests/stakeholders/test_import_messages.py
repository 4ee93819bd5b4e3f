"""Bad stakeholder and relationship files in Hindi: every message a Hindi sentence naming
the row and column, with no English but the file's own words; relationships read as whole
sentences in either language."""

import pytest
from django.utils import translation

from clusters.models import Region
from stakeholders.choices import Kind, RelationshipType, Role
from stakeholders.imports import RelationshipImporter, StakeholderImporter
from stakeholders.revisions import relationship_added
from tests import factories
from tests.hindi import english_words, is_hindi
from tests.stakeholders.test_imports import BAD_RELATIONSHIPS, BAD_STAKEHOLDERS

CODES = [*Kind.values, *Role.values, *RelationshipType.values]


def hindi_errors(importer, text):
    with translation.override("hi"):
        result = importer().run(text.encode("utf-8"))
        return result.errors, [str(error) for error in result.errors]


def assert_hindi_only(text, errors, lines):
    allowed = [text, *CODES, *Region.objects.values_list("name", flat=True)]
    assert errors
    for error, line in zip(errors, lines, strict=True):
        assert line.startswith(f"पंक्ति {error.row}, {error.column}: "), line
        assert is_hindi(error.message), line
        assert english_words(line, allowed=allowed) == [], line


def test_a_bad_stakeholder_file_reads_in_hindi(india_clusters):
    """Missing clusters, roles of another kind, unknown kinds, missing names, bad e-mail
    addresses and duplicates: each in Hindi, only the file's words left in Latin."""
    errors, lines = hindi_errors(StakeholderImporter, BAD_STAKEHOLDERS)
    assert_hindi_only(BAD_STAKEHOLDERS, errors, lines)
    messages = {(e.row, e.column): e.message for e in errors}
    assert messages[(3, "role")] == (
        "'exporter' आपूर्तिकर्ता की भूमिका नहीं है; इनमें से एक लिखें: "
        "raw_material, machinery, energy, transport।"
    )
    assert messages[(5, "name")] == "नाम नहीं दिया गया है"


def test_a_bad_relationship_file_reads_in_hindi(india_stakeholders):
    """Non-members (a sentence for each kind), self-links, unknown types and bad dates."""
    errors, lines = hindi_errors(RelationshipImporter, BAD_RELATIONSHIPS)
    assert_hindi_only(BAD_RELATIONSHIPS, errors, lines)
    messages = {(e.row, e.column): e.message for e in errors}
    assert messages[(2, "source_name")] == (
        "'Godrej' नाम का कोई उद्यम क्लस्टर Auto components, Rajkot का सदस्य नहीं है"
    )
    assert messages[(3, "target_name")] == "कोई हितधारक अपने आप से संबंध नहीं रख सकता"


@pytest.mark.parametrize(
    ("kind", "english", "hindi"),
    [
        ("supplies", "Godrej supplies Atul Auto", "Godrej, Atul Auto को आपूर्ति करता है"),
        ("buys_from", "Godrej buys from Atul Auto", "Godrej, Atul Auto से ख़रीदता है"),
        ("member_of", "Godrej is a member of Atul Auto", "Godrej, Atul Auto का सदस्य है"),
    ],
)
def test_a_relationship_reads_as_one_sentence_in_each_language(db, kind, english, hindi):
    """The verb takes its own place in each language (Hindi puts it last), as a revision's
    label and the relationship's name show it."""
    relationship = factories.RelationshipFactory(
        kind=kind,
        source=factories.StakeholderFactory(name="Godrej"),
        target=factories.StakeholderFactory(name="Atul Auto"),
    )
    with translation.override("en"):
        assert str(relationship) == english
    with translation.override("hi"):
        assert str(relationship) == hindi
        label = relationship_added(
            source=relationship.source, target=relationship.target, kind=kind
        )["label"]
        assert label == hindi
