"""Trigram indexes for the stakeholder search (issue 11), on PostgreSQL only.

The search matches each word with `icontains`; common.trigram says how the indexes answer
it and why they are not in the model's Meta. SQLite (`make run`): nothing is created.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from common.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0004_list_indexes"),
    ]

    operations = [
        TrigramExtension(),
        trigram_indexes(
            table="stakeholders_stakeholder",
            prefix="stakeholder",
            columns=("name", "place", "services_offered", "description"),
        ),
    ]
