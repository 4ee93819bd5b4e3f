"""The curation workbench (/admin/) is accessible (issue 16): axe finds no serious or
critical violation on any admin page, at a desktop width (1280 px) and a phone width
(390 px), with realistic records (tests/common/admin_demo.py); no page is wider than the
window at 1280 px, and the index and changelists are not wider than a phone either (a wide
table scrolls inside its own region instead).

Every registered model's changelist, add and change page is visited (so an admin added
later is checked without editing this file), and the other page types: the index, an app's
index, the history and a version of a record, the delete and merge confirmations, the
password change, the sign-in page.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.common.admin_demo import make_admin_demo
from tests.e2e.reference_data import (  # the fixture is used through pytestmark
    load_reference_data,
    reference_data_left_behind,  # noqa: F401
)
from tests.e2e.test_accessibility import BLOCKING, WIDTHS, describe
from tests.factories import CuratorFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data_left_behind"),
]

MODELS = sorted(model._meta.label for model in admin.site._registry)
AXE = Axe()


@pytest.fixture
def demo(transactional_db):
    load_reference_data()
    return make_admin_demo()


@pytest.fixture
def curator_page(new_page, live_server, demo):
    """Return a function opening a page at a width, signed in as the demo's curator (or
    as `user`: the accounts, tokens, sign-in records and jobs are a superuser's)."""
    sessions = {}

    def session_of(user):
        if user.pk not in sessions:
            client = Client()
            client.force_login(user)
            sessions[user.pk] = client.cookies["sessionid"].value
        return sessions[user.pk]

    def open_(viewport, user=None):
        session = session_of(user or demo.people.curator)
        page = new_page(viewport=viewport, base_url=live_server.url)
        page.set_default_timeout(15_000)
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        return page

    return open_


def check(page, name, *, fits_phone):
    """Return the problems of `page` as it is now: blocking axe violations, sideways scroll."""
    problems = []
    width = page.viewport_size["width"]
    blocking = [v for v in AXE.run(page).response["violations"] if v["impact"] in BLOCKING]
    if blocking:
        problems.append(f"{name} at {width} px ({page.url}):\n{describe(blocking)}")
    if width >= 1280 or fits_phone:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        if scroll > inner:
            problems.append(f"{name} at {width} px ({page.url}) is {scroll} px wide")
    return problems


def visit(open_page, pages, user=None):
    """Open each (name, address, fits_phone) at both widths; return every problem found."""
    problems = []
    for viewport in WIDTHS.values():
        page = open_page(viewport, user)
        for name, address, fits_phone in pages:
            response = page.goto(address)
            assert response.ok, f"{name} ({address}) answered {response.status}"
            problems += check(page, name, fits_phone=fits_phone)
        page.close()
    return problems


def first_pk(model):
    return model._default_manager.order_by("pk").values_list("pk", flat=True).first()


@pytest.mark.parametrize("label", MODELS)
def test_every_model_page_is_accessible(label, curator_page, demo):
    """Changelist, add page and change page of each registered model."""
    model = next(m for m in admin.site._registry if m._meta.label == label)
    info = (model._meta.app_label, model._meta.model_name)
    pages = [(f"{label} list", reverse("admin:{}_{}_changelist".format(*info)), True)]
    model_admin = admin.site._registry[model]
    user = demo.people.curator
    if not model_admin.has_view_permission(type("Request", (), {"user": user})()):
        user = CuratorFactory(username="superuser")  # Django's and third-party models
    request = type("Request", (), {"user": user})()
    if model_admin.has_add_permission(request):
        pages.append((f"{label} add", reverse("admin:{}_{}_add".format(*info)), False))
    pk = first_pk(model)
    if pk is not None:
        pages.append(
            (f"{label} change", reverse("admin:{}_{}_change".format(*info), args=[pk]), False)
        )
    problems = visit(curator_page, pages, user)
    assert not problems, "\n".join(problems)


def test_other_admin_pages_are_accessible(curator_page, demo):
    """The index, an app index, history, a version, delete confirmation, password change."""
    cluster = demo.cluster
    version = cluster.history.order_by("history_id").first()
    pages = [
        ("index", reverse("admin:index"), True),
        ("clusters app", reverse("admin:app_list", args=["clusters"]), True),
        ("cluster history", reverse("admin:clusters_cluster_history", args=[cluster.pk]), True),
        (
            "cluster version",
            reverse("admin:clusters_cluster_simple_history", args=[cluster.pk, version.history_id]),
            False,
        ),
        ("delete draft", reverse("admin:clusters_cluster_delete", args=[demo.draft.pk]), False),
        ("password change", reverse("admin:password_change"), False),
    ]
    problems = visit(curator_page, pages)
    assert not problems, "\n".join(problems)


def test_merge_confirmation_is_accessible(curator_page, demo):
    """Two stakeholders selected on the list, the merge action: the survivor question."""
    problems = []
    for viewport in WIDTHS.values():
        page = curator_page(viewport)
        page.goto(reverse("admin:stakeholders_stakeholder_changelist"))
        boxes = page.locator("input[name=_selected_action]")
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.select_option("select[name=action]", "merge")
        page.click("button[name=index], input[name=index]")
        page.wait_for_selector("text=Choose the stakeholder that survives")
        problems += check(page, "merge confirmation", fits_phone=False)
        page.close()
    assert not problems, "\n".join(problems)


def test_sign_in_page_is_accessible(new_page, live_server, demo):
    problems = []
    for viewport in WIDTHS.values():
        page = new_page(viewport=viewport, base_url=live_server.url)
        page.goto(reverse("admin:login"))
        problems += check(page, "admin sign-in", fits_phone=True)
    assert not problems, "\n".join(problems)
