from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    """Stakeholders, their memberships, relationships and networks."""

    name = "stakeholders"

    def ready(self):
        # Every cluster export carries each cluster's network summary after the contract's
        # columns (clusters knows nothing of stakeholders; this app adds them).
        from clusters.exports import ExportColumnGroup, register_export_columns

        from . import revisions

        # Proposed revisions keep, apply and show memberships, relationships and networks.
        revisions.register()

        from .network.summary import (
            KEPT_VALUES,
            SUMMARY_COLUMNS,
            kept_csv_text,
            network_summaries,
            summary_from_kept,
        )

        # Read from the kept rows in the export's own query; a cluster without one is
        # computed by network_summaries, once per chunk for all such clusters. On
        # PostgreSQL the CSV download has the database write the kept rows' cells.
        register_export_columns(
            ExportColumnGroup(
                columns=SUMMARY_COLUMNS,
                rows_for=network_summaries,
                values=KEPT_VALUES,
                from_values=summary_from_kept,
                csv_text=kept_csv_text,
            )
        )
