"""Roles as the registry knows them: curators (staff) and agency editors."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import AgencyEditor

CURATORS_GROUP = "Curators"
CURATED_APPS = ("clusters", "stakeholders")


def curators_group():
    """Return the Curators group, holding every permission on the registry's models."""
    group, _created = Group.objects.get_or_create(name=CURATORS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=CURATED_APPS)
    group.permissions.add(*permissions)
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
    """Create an editor who maintains the clusters of `agency`."""
    user = get_user_model().objects.create_user(username=username, password=password, email=email)
    AgencyEditor.objects.create(user=user, agency=agency)
    return user


def user_agency(user):
    """Return the agency `user` edits for, or None."""
    if not user.is_authenticated:
        return None
    editor = AgencyEditor.objects.filter(user=user).select_related("agency").first()
    return editor.agency if editor else None
