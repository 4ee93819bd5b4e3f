"""The demo's development initiatives (manage.py load_demo): one per kind of programme on
the FAQ's example clusters, each with a diagnostic study, an action plan, targets and
measurements. None of it comes from a real programme's records: every initiative, target
and measurement says "Illustrative" in its source."""

import datetime

from clusters.choices import PublicationStatus
from clusters.models import Cluster
from common.history import change_set
from stakeholders.models import Stakeholder

from . import services
from .models import Indicator, Scheme

ILLUSTRATIVE = (
    "Illustrative demo data (not from a programme's records), after 'Getting to Know "
    "Clusters' FAQ Q35-58 and Q68"
)

# scheme slug, (cluster product, place), title, agent, stage, status, started, ended,
# (budget, sanctioned, released), study sections, activities, targets, measurements
DEMO_INITIATIVES = [
    {
        "scheme": "mse-cdp",
        "cluster": ("Knitted garments", "Tirupur"),
        "title": "MSE-CDP Tirupur knitwear: common effluent and testing facility",
        "agent": "Cluster development agent of the implementing agency",
        "stage": "implementation",
        "status": PublicationStatus.PUBLISHED,
        "started_on": datetime.date(2019, 4, 1),
        "amounts": (15_00_00_000, 12_00_00_000, 7_50_00_000),
        "study": {
            "industrial_scenario": "The largest knitwear export cluster of India.",
            "cluster_history": "Grew from cotton banian making in the 1930s into an export "
            "cluster from the 1980s.",
            "value_chain": "Yarn, knitting, dyeing and processing, stitching, export.",
            "stakeholders_and_relationships": "Exporters sub-contract knitting, dyeing and "
            "stitching to small units; associations negotiate for the cluster.",
            "challenges": "Effluent treatment of the dyeing units; compliance with buyers' "
            "standards.",
            "opportunities": "New markets for compliant, certified garments.",
            "completed_on": datetime.date(2019, 12, 15),
            "prepared_by": "Cluster development agent with an external expert",
        },
        "activities": [
            (
                "Trust building meetings with the dyers' association",
                "short",
                "soft",
                "trust_building",
                "done",
                2_00_000,
            ),
            (
                "Exposure visit to a common effluent treatment plant",
                "short",
                "soft",
                "exposure_visit",
                "done",
                5_00_000,
            ),
            (
                "Common testing laboratory",
                "long",
                "hard",
                "common_facility_centre",
                "in_progress",
                6_00_00_000,
            ),
        ],
        "targets": [
            ("quality-certifications", 2019, 12, 2024, 60),
            ("new-markets", 2019, 3, 2024, 8),
        ],
        "measurements": [
            ("quality-certifications", "2021-22", 25),
            ("quality-certifications", "2023-24", 41),
            ("new-markets", "2022", 5),
        ],
    },
    {
        "scheme": "chcds",
        "cluster": ("Handloom", "Chanderi"),
        "title": "Chanderi handloom cluster development",
        "agent": "Weavers' service centre cluster team",
        "stage": "action_plan",
        "status": PublicationStatus.PUBLISHED,
        "started_on": datetime.date(2021, 7, 1),
        "amounts": (4_00_00_000, 3_00_00_000, 1_00_00_000),
        "study": {
            "industrial_scenario": "Handwoven silk-cotton sarees of a historic weaving town.",
            "value_chain": "Yarn from traders, weaving in homes, master weavers, retailers.",
            "challenges": "Weavers depend on master weavers for yarn and orders.",
            "opportunities": "Design development and direct marketing channels.",
            "completed_on": datetime.date(2022, 1, 31),
            "prepared_by": "Cluster development executive",
        },
        "activities": [
            ("Design workshops with weavers", "short", "soft", "training", "in_progress", 8_00_000),
            (
                "Joint participation in a handloom expo",
                "medium",
                "soft",
                "joint_marketing",
                "planned",
                12_00_000,
            ),
        ],
        "targets": [("new-marketing-channels", 2021, 1, 2025, 5)],
        "measurements": [("new-marketing-channels", "2023", 2)],
    },
    {
        "scheme": "state-cluster-programme",
        "cluster": ("Hand block printed textiles", "Jaipur"),
        "title": "State artisan cluster programme: Jaipur block printers",
        "agent": "State industries department cluster cell",
        "stage": "diagnostic_study",
        "status": PublicationStatus.PUBLISHED,
        "started_on": datetime.date(2023, 10, 1),
        "amounts": (1_50_00_000, None, None),
        "study": {
            "industrial_scenario": "Hand block printing on cotton by artisan families.",
            "challenges": "Water for washing; natural dye supply.",
        },
        "activities": [
            (
                "Meetings with printers' groups",
                "short",
                "soft",
                "trust_building",
                "in_progress",
                None,
            ),
        ],
        "targets": [("new-enterprises", 2023, 0, 2026, 40)],
        "measurements": [],
    },
    {
        "scheme": "unido-cdp",
        "cluster": ("Hosiery", "Ludhiana"),
        "title": "UNIDO cluster development programme: Ludhiana knitwear",
        "agent": "UNIDO-trained cluster development agent",
        "stage": "completed",
        "status": PublicationStatus.PUBLISHED,
        "started_on": datetime.date(2016, 4, 1),
        "ended_on": datetime.date(2020, 3, 31),
        "amounts": (None, None, None),
        "study": {
            "industrial_scenario": "India's largest woollen knitwear cluster.",
            "stakeholders_and_relationships": "Exporters, domestic manufacturers, spinners, "
            "dyers, machinery suppliers, banks, associations and BDS providers (FAQ Q4).",
            "challenges": "Seasonal demand; old knitting machines.",
            "opportunities": "Networks for joint purchase and trade fairs (FAQ Q59-61).",
            "completed_on": datetime.date(2016, 10, 31),
            "prepared_by": "Cluster development agent",
        },
        "activities": [
            (
                "Training of knitting machine operators",
                "short",
                "soft",
                "training",
                "done",
                3_00_000,
            ),
            (
                "Technology upgrade: computerised flat knitting",
                "medium",
                "hard",
                "technology_upgrade",
                "done",
                40_00_000,
            ),
            (
                "Joint marketing at an international fair",
                "medium",
                "soft",
                "joint_marketing",
                "done",
                15_00_000,
            ),
        ],
        "targets": [
            ("new-technology", 2016, 0, 2020, 3),
            ("additional-investment", 2016, 0, 2020, 5_00_00_000),
            ("networks-created", 2016, 0, 2020, 4),
        ],
        "measurements": [
            ("new-technology", "2018", 1),
            ("new-technology", "2019-20", 3),
            ("additional-investment", "2019-20", 3_20_00_000),
        ],
    },
    {
        "scheme": "other",
        "cluster": ("Brass products", "Moradabad"),
        "title": "Export council design programme: Moradabad brassware",
        "agent": "Design and marketing consultants (BDS provider)",
        "stage": "implementation",
        "status": PublicationStatus.SUBMITTED,
        "started_on": datetime.date(2022, 4, 1),
        "amounts": (50_00_000, 50_00_000, 20_00_000),
        "study": {
            "industrial_scenario": "Brass and metal handicrafts for export.",
            "challenges": "Designs copied; rising metal prices.",
        },
        "activities": [
            ("Design clinic for artisans", "short", "soft", "training", "done", 4_00_000),
        ],
        "targets": [("new-markets", 2022, 4, 2025, 9)],
        "measurements": [("new-markets", "2023-24", 6)],
    },
]


def _cluster(product, place):
    return Cluster.objects.filter(product=product, place=place).first()


def load_demo_initiatives(*, user=None, stdout=None):
    """Record the demo initiatives through the services; return how many were recorded.
    A cluster missing from the demo is skipped."""
    recorded = 0
    with change_set(user=user, reason="load_demo development initiatives"):
        for spec in DEMO_INITIATIVES:
            cluster = _cluster(*spec["cluster"])
            if cluster is None or cluster.agency is None:
                continue
            budget, sanctioned, released = spec["amounts"]
            initiative = services.initiative_create(
                cluster=cluster,
                scheme=Scheme.objects.get(slug=spec["scheme"]),
                title=spec["title"],
                development_agent_name=spec["agent"],
                stage=spec["stage"],
                started_on=spec["started_on"],
                ended_on=spec.get("ended_on"),
                budget=budget,
                sanctioned_amount=sanctioned,
                released_amount=released,
                source=ILLUSTRATIVE,
            )
            members = list(Stakeholder.objects.filter(memberships__cluster=cluster)[:4])
            services.study_save(initiative=initiative, data=spec["study"], consulted=members)
            for position, (title, horizon, intervention, kind, status, cost) in enumerate(
                spec["activities"], start=1
            ):
                services.activity_save(
                    initiative=initiative,
                    data={
                        "title": title,
                        "horizon": horizon,
                        "intervention": intervention,
                        "activity_type": kind,
                        "status": status,
                        "cost": cost,
                        "position": position,
                        "notes": "Illustrative",
                    },
                    responsible=members[:1],
                )
            for slug, baseline_year, baseline, target_year, target in spec["targets"]:
                services.target_save(
                    initiative=initiative,
                    indicator=Indicator.objects.get(slug=slug),
                    data={
                        "baseline_year": baseline_year,
                        "baseline_value": baseline,
                        "target_year": target_year,
                        "target_value": target,
                        "source": ILLUSTRATIVE,
                        "estimated": True,
                    },
                )
            for slug, year, value in spec["measurements"]:
                services.measurement_record(
                    cluster=cluster,
                    indicator=Indicator.objects.get(slug=slug),
                    year=year,
                    value=value,
                    source=ILLUSTRATIVE,
                    estimated=True,
                    initiative=initiative,
                )
            if spec["status"] in (PublicationStatus.SUBMITTED, PublicationStatus.PUBLISHED):
                services.initiative_submit(initiative=initiative, user=user)
            if spec["status"] == PublicationStatus.PUBLISHED:
                services.initiative_publish(initiative=initiative, user=user)
            recorded += 1
    if stdout is not None:
        stdout.write(f"development initiatives: created {recorded}")
    return recorded
