from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    """Cluster development programmes: initiatives, diagnostic studies, action plans and
    the indicators that show whether they worked (FAQ Q35-58, Q68)."""

    name = "programmes"
    verbose_name = _("Development programmes")

    def ready(self):
        from clusters.accounts import register_curated_app

        from . import permissions  # noqa: F401 (registers the policies the admin asks)

        # Editors keep their agency's initiatives, studies, plans, targets and measurements
        # in the admin too (programmes.admin narrows every path to their agency); the
        # scheme list and the indicator catalogue are the curators'.
        register_curated_app(
            "programmes",
            [
                f"{verb}_{model}"
                for model in (
                    "initiative",
                    "diagnosticstudy",
                    "studydocument",
                    "planactivity",
                    "indicatortarget",
                    "indicatormeasurement",
                )
                for verb in ("view", "add", "change", "delete")
            ]
            + ["view_scheme", "view_indicator"],
        )

    def load_demo(self, *, curator, editor, stdout):
        """Add the demo's development initiatives (manage.py load_demo calls this)."""
        from .demo import load_demo_initiatives

        load_demo_initiatives(user=curator, stdout=stdout)
