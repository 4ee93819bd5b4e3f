"""manage.py load_demo: the demo data and accounts `make run` starts with (loaded once)."""

import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clusters import accounts
from clusters.assessments import assessments_load_csv
from clusters.choices import PublicationStatus
from clusters.imports import ClusterImporter
from clusters.models import Agency
from common.history import change_set
from stakeholders.demo_names import demo_local_names_load
from stakeholders.imports import RelationshipImporter, StakeholderImporter

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_AGENCY = {"name": "Demo Implementing Agency", "slug": "demo-agency"}
DEMO_ACCOUNTS = (
    ("admin", "admin-demo-2026", "administrator: everything"),
    ("curator", "curator-demo-2026", "curator: reviews and publishes, edits benchmarks"),
    ("editor", "editor-demo-2026", "agency editor of the Demo Implementing Agency"),
)
# (importer, file) in order: clusters before the stakeholders and relationships that name them.
# The BDS providers are illustrative (FAQ Q62-64, marked so in their source); the probable
# duplicate is a draft the data-quality desk finds (fixtures/SOURCES.md).
DEMO_FILES = (
    ("clusters", "clusters_india_profiles.csv"),
    ("clusters", "faq_clusters.csv"),
    ("draft clusters", "demo_probable_duplicate.csv"),
    ("stakeholders", "stakeholders_india_profiles.csv"),
    ("stakeholders", "faq_stakeholders.csv"),
    ("stakeholders", "faq_bds_providers.csv"),
    ("relationships", "faq_relationships.csv"),
    ("relationships", "faq_bds_relationships.csv"),
)

# Judgements of the selection parameters (FAQ Q43), illustrative (so marked in their
# source), recorded by the demo curator.
DEMO_ASSESSMENTS = "demo_assessments.csv"

# Uploaded by the demo editor after the accounts exist: a pending proposed revision.
DEMO_PROPOSAL = "demo_proposed_relationships.csv"


class Command(BaseCommand):
    help = "Load the demo clusters, stakeholders and accounts, unless they are loaded already."

    def handle(self, *args, **options):
        if Agency.objects.filter(slug=DEMO_AGENCY["slug"]).exists():
            self.stdout.write("Demo data is loaded already.")
        else:
            self.load()
        port = os.environ.get("PORT", "8000")
        self.stdout.write(
            f"\nDemo accounts (sign in at http://127.0.0.1:{port}/accounts/login/, "
            f"curation at http://127.0.0.1:{port}/admin/):"
        )
        for username, password, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<8} password {password:<20} {role}")

    @transaction.atomic
    def load(self):
        agency = Agency.objects.create(**DEMO_AGENCY)
        importers = {
            "clusters": ClusterImporter(agency=agency),
            "draft clusters": ClusterImporter(agency=agency, status=PublicationStatus.DRAFT),
            "stakeholders": StakeholderImporter(),
            "relationships": RelationshipImporter(),
        }
        for kind, name in DEMO_FILES:
            result = importers[kind].run(FIXTURES / name, reason=f"load_demo {name}")
            if result.errors:
                raise CommandError(
                    f"{name}: " + "; ".join(str(error) for error in result.errors[:5])
                )
            self.stdout.write(f"{name}: {result.summary()}")
        self.stdout.write(f"demo_local_names.json: named {demo_local_names_load()}")
        users = get_user_model().objects
        admin_name, admin_password, _role = DEMO_ACCOUNTS[0]
        users.create_superuser(admin_name, f"{admin_name}@example.org", admin_password)
        curator = accounts.curator_create(
            username=DEMO_ACCOUNTS[1][0], password=DEMO_ACCOUNTS[1][1], email="curator@example.org"
        )
        with change_set(user=curator, reason=f"load_demo {DEMO_ASSESSMENTS}"):
            count = assessments_load_csv(FIXTURES / DEMO_ASSESSMENTS, user=curator)
        self.stdout.write(f"{DEMO_ASSESSMENTS}: recorded {count}")
        editor = accounts.agency_editor_create(
            username=DEMO_ACCOUNTS[2][0],
            password=DEMO_ACCOUNTS[2][1],
            agency=agency,
            email="editor@example.org",
        )
        # A change waiting for a curator (issue 13): the editor's upload of two relationships
        # of a published cluster is kept as their proposed revision, not written.
        result = RelationshipImporter(user=editor).run(
            FIXTURES / DEMO_PROPOSAL, user=editor, reason=f"load_demo {DEMO_PROPOSAL}"
        )
        if result.errors:
            raise CommandError(
                f"{DEMO_PROPOSAL}: " + "; ".join(str(error) for error in result.errors[:5])
            )
        self.stdout.write(f"{DEMO_PROPOSAL} (by {editor}): {result.summary()}")
        # The apps built on these (development programmes) add their demo data: an app
        # config's load_demo(curator=..., editor=..., stdout=...), found without importing it.
        for app_config in apps.get_app_configs():
            load_app_demo = getattr(app_config, "load_demo", None)
            if callable(load_app_demo):
                load_app_demo(curator=curator, editor=editor, stdout=self.stdout)
