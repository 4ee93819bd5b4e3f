from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    """Stakeholders, their memberships, relationships and networks."""

    name = "stakeholders"

    def ready(self):
        # Every cluster export carries each cluster's network summary after the contract's
        # columns (clusters knows nothing of stakeholders; this app adds them).
        from clusters.exports import ExportColumnGroup, register_export_columns

        from .network.summary import SUMMARY_COLUMNS, network_summaries

        register_export_columns(
            ExportColumnGroup(columns=SUMMARY_COLUMNS, rows_for=network_summaries)
        )
