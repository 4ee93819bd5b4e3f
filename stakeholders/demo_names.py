"""The demo's names in Hindi (issue 16): a few clusters and a stakeholder carry a Hindi
name beside the English one. Kept apart from the CSV fixtures, whose columns are the
contract's (docs/formats.md) and have no column for them."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from clusters import services as cluster_services
from clusters.models import Cluster
from common.local_names import clean_local_names, other_language_codes

from . import services
from .models import Stakeholder

DEMO_LOCAL_NAMES = Path(settings.BASE_DIR) / "fixtures" / "demo_local_names.json"


@transaction.atomic
def demo_local_names_load(path=DEMO_LOCAL_NAMES):
    """Give the demo records named in `path` their names in the other languages (those
    of the site's languages only); return how many records changed."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    languages = set(other_language_codes())
    changed = 0
    for model, update, key in (
        (Cluster, cluster_services.cluster_update, "cluster"),
        (Stakeholder, services.stakeholder_update, "stakeholder"),
    ):
        for slug, names in data.get(f"{key}s", {}).items():
            record = model.objects.filter(slug=slug).first()
            if record is None:
                continue
            names = clean_local_names({code: n for code, n in names.items() if code in languages})
            changed += bool(update(**{key: record}, data={"local_names": names}))
    return changed
