# InitiativeRevision now takes its fields from common.revision_models.AbstractRevision, as
# ClusterRevision does: proposed_by and reviewed_by are named author and reviewer in the
# models' state only; their columns keep their names (db_column), so the database is
# untouched (sqlmigrate prints no statement but the help text's no-op).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def user_key(**options):
    return models.ForeignKey(to=settings.AUTH_USER_MODEL, related_name="+", **options)


HISTORICAL = {
    "blank": True,
    "null": True,
    "db_constraint": False,
    "on_delete": django.db.models.deletion.DO_NOTHING,
}


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0003_initiative_review"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="initiativerevision", name="initiative_revision_one_pending"
                ),
                migrations.RenameField("initiativerevision", "proposed_by", "author"),
                migrations.RenameField("initiativerevision", "reviewed_by", "reviewer"),
                migrations.RenameField("historicalinitiativerevision", "proposed_by", "author"),
                migrations.RenameField("historicalinitiativerevision", "reviewed_by", "reviewer"),
                migrations.AlterField(
                    model_name="initiativerevision",
                    name="author",
                    field=user_key(
                        db_column="proposed_by_id", on_delete=django.db.models.deletion.CASCADE
                    ),
                ),
                migrations.AlterField(
                    model_name="initiativerevision",
                    name="reviewer",
                    field=user_key(
                        db_column="reviewed_by_id",
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalinitiativerevision",
                    name="author",
                    field=user_key(db_column="proposed_by_id", **HISTORICAL),
                ),
                migrations.AlterField(
                    model_name="historicalinitiativerevision",
                    name="reviewer",
                    field=user_key(db_column="reviewed_by_id", **HISTORICAL),
                ),
                migrations.AddConstraint(
                    model_name="initiativerevision",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("state", "pending")),
                        fields=("initiative", "author"),
                        name="initiative_revision_one_pending",
                        violation_error_message=(
                            "You already have a change waiting for review here."
                        ),
                    ),
                ),
            ],
        ),
        *[
            migrations.AlterField(
                model_name=model_name,
                name="base_version",
                field=models.PositiveIntegerField(
                    help_text="The version of the record the change was made on",
                    verbose_name="base version",
                ),
            )
            for model_name in ("historicalinitiativerevision", "initiativerevision")
        ],
    ]
