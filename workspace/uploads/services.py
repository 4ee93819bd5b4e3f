"""Uploads of cluster, stakeholder, relationship and indicator files: preview first, then write.

The file is kept between the preview and the confirmation in a private folder
(REGISTRY_UPLOAD_DIR), under a random token bound to the user who uploaded it, and removed
once written or abandoned (older than a day).
"""

import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from clusters.imports import CLUSTER_COLUMNS, REQUIRED_COLUMNS, ClusterImporter
from programmes.imports import INDICATOR_COLUMNS, IndicatorImporter
from stakeholders.imports import (
    RELATIONSHIP_COLUMNS,
    STAKEHOLDER_COLUMNS,
    RelationshipImporter,
    StakeholderImporter,
)

PENDING_LIFETIME = 24 * 3600


@dataclass(frozen=True)
class Format:
    """One importable file format: its columns and how to build its importer."""

    slug: str
    label: str
    columns: tuple
    required: tuple

    def importer(self, user):
        """Return the importer of this format for `user` (agency editors are scoped)."""
        if self.slug == "clusters":
            return ClusterImporter(user=user)
        if self.slug == "stakeholders":
            return StakeholderImporter(user=user)
        if self.slug == "indicators":
            return IndicatorImporter(user=user)
        return RelationshipImporter(user=user)


FORMATS = {
    "clusters": Format("clusters", _("Clusters"), CLUSTER_COLUMNS, REQUIRED_COLUMNS),
    "stakeholders": Format(
        "stakeholders",
        _("Stakeholders"),
        STAKEHOLDER_COLUMNS,
        StakeholderImporter.required,
    ),
    "relationships": Format(
        "relationships",
        _("Relationships"),
        RELATIONSHIP_COLUMNS,
        RelationshipImporter.required,
    ),
    "indicators": Format(
        "indicators",
        _("Indicator measurements"),
        INDICATOR_COLUMNS,
        IndicatorImporter.required,
    ),
}


def upload_dir():
    """Return the private folder for files waiting for confirmation."""
    path = Path(settings.REGISTRY_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def validate_upload(uploaded):
    """Raise ValidationError unless `uploaded` is a CSV or XLSX file within the size limit."""
    limit = settings.REGISTRY_UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"size": uploaded.size / 1e6, "limit": limit / 1e6}
        )
    name = uploaded.name.lower()
    if not name.endswith((".csv", ".xlsx", ".txt")):
        raise ValidationError(_("Upload a CSV or XLSX file (the name ends in .csv or .xlsx)."))
    head = uploaded.read(4096)
    uploaded.seek(0)
    is_xlsx = head.startswith(b"PK\x03\x04")
    if name.endswith(".xlsx") != is_xlsx or (not is_xlsx and b"\x00" in head):
        raise ValidationError(_("The file's content is not CSV or XLSX as its name says."))


def pending_save(*, user, uploaded):
    """Keep an uploaded file until it is confirmed; return its token."""
    pending_cleanup()
    token = f"{user.pk}-{secrets.token_hex(16)}"
    with (upload_dir() / token).open("wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    return token


def pending_path(*, user, token):
    """Return the path of `user`'s pending file `token`; raise PermissionDenied otherwise."""
    if not token or not token.startswith(f"{user.pk}-") or not token.replace("-", "").isalnum():
        raise PermissionDenied
    path = upload_dir() / token
    if not path.is_file():
        raise ValidationError(
            _("This upload has expired or was imported already: upload it again.")
        )
    return path


def pending_digest(path):
    """Return the SHA-256 of a pending file, so the confirmed file is the previewed one."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pending_cleanup():
    """Remove pending files older than a day."""
    cutoff = time.time() - PENDING_LIFETIME
    for path in upload_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def upload_preview(*, fmt, user, path):
    """Validate the file and count what would change, writing nothing."""
    return fmt.importer(user).run(path, dry_run=True, user=user)


def upload_import(*, fmt, user, path, filename):
    """Import the previewed file in one transaction as one change set; remove it after."""
    result = fmt.importer(user).run(path, user=user, reason=f"upload {filename}")
    if result.ok:
        path.unlink(missing_ok=True)
    return result
