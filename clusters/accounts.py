"""Roles as the registry knows them: curators (staff) and agency editors."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import AgencyEditor

CURATORS_GROUP = "Curators"
EDITORS_GROUP = "Agency editors"
CURATED_APPS = ["clusters", "stakeholders"]
# What an agency editor may touch in the admin; the policies narrow it to their agency.
EDITOR_PERMISSIONS = [
    f"{verb}_{model}"
    for model in (
        "cluster",
        "clusterfigure",
        "stakeholder",
        "clustermembership",
        "relationship",
        "network",
    )
    for verb in ("view", "add", "change", "delete")
] + ["view_region", "view_sector"]  # reference data, picked in the cluster and stakeholder forms


def register_curated_app(app_label, editor_permissions=()):
    """Let the Curators group hold every permission of `app_label` and the Agency editors
    group the `editor_permissions` (codenames) of it: a domain app above clusters calls
    this from its ready(), as clusters knows nothing of the apps built on it."""
    if app_label not in CURATED_APPS:
        CURATED_APPS.append(app_label)
    EDITOR_PERMISSIONS.extend(p for p in editor_permissions if p not in EDITOR_PERMISSIONS)


def curators_group():
    """Return the Curators group, holding every permission on the registry's models."""
    group, _created = Group.objects.get_or_create(name=CURATORS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=CURATED_APPS)
    group.permissions.add(*permissions)
    return group


def editors_group():
    """Return the Agency editors group with the model permissions editors need."""
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=CURATED_APPS, codename__in=EDITOR_PERMISSIONS
        )
    )
    return group


@transaction.atomic
def curator_create(*, username, password, email=""):
    """Create a curator: staff with the Curators group's permissions."""
    user = get_user_model().objects.create_user(
        username=username, password=password, email=email, is_staff=True
    )
    user.groups.add(curators_group())
    return user


@transaction.atomic
def agency_editor_create(*, username, password, agency, email=""):
    """Create an editor who maintains the clusters of `agency` (on the site and the admin)."""
    user = get_user_model().objects.create_user(
        username=username, password=password, email=email, is_staff=True
    )
    user.groups.add(editors_group())
    AgencyEditor.objects.create(user=user, agency=agency)
    return user


def user_agency(user):
    """Return the agency `user` edits for, or None."""
    if not user.is_authenticated:
        return None
    editor = AgencyEditor.objects.filter(user=user).select_related("agency").first()
    return editor.agency if editor else None


def editor_agency_id(user):
    """Return the id of the agency `user` edits for, or None (cached on the user object)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_registry_agency_id"):
        user._registry_agency_id = (
            AgencyEditor.objects.filter(user=user).values_list("agency_id", flat=True).first()
        )
    return user._registry_agency_id
