from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    """Cluster development programmes: initiatives, diagnostic studies, action plans and
    the indicators that show whether they worked (FAQ Q35-58, Q68)."""

    name = "programmes"
    verbose_name = _("Development programmes")
