"""Media files no database row references: uploads whose row never came (a request killed mid-upload)
and replaced files (an avatar drawn anew). A periodic sweep deletes them once older than a grace period.

Every FileField of every model is looked at: its top upload folder is swept, and the names stored in its
column are the files kept.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.apps import apps
from django.db import models
from django.utils import timezone
from wagtail.images.models import AbstractImage, AbstractRendition

from bidangil.leases import LeaseHeld, lease

logger = logging.getLogger(__name__)

# Older than any upload in flight: a file is written to storage before its row is committed.
GRACE = timedelta(hours=6)
# Wagtail names these folders inside methods that need a saved image.
WAGTAIL_FOLDERS = ((AbstractImage, "original_images"), (AbstractRendition, "images"))


def _top_folder(model, field) -> str:
    for base, folder in WAGTAIL_FOLDERS:
        if issubclass(model, base):
            return folder
    folder, _, rest = field.generate_filename(model.__new__(model), "probe").partition("/")
    return folder if rest else ""  # files at the top of the storage: nothing to sweep safely


def upload_folders() -> dict[tuple, set[str]]:
    """(storage, top folder) -> names stored by the rows of every model whose files go there."""
    kept: dict[tuple, set[str]] = defaultdict(set)
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField) or field.model is not model:
                continue
            folder = _top_folder(model, field)
            if not folder:
                continue
            names = model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
            kept[(field.storage, folder)].update(names)
    return kept


def _walk(storage, folder: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}")


def delete_orphaned_files(now=None, on_progress: Callable[[], object] | None = None) -> list[str]:
    """Delete upload files older than GRACE that no row references; returns their names."""
    cutoff = (now or timezone.now()) - GRACE
    deleted = []
    for (storage, folder), kept in upload_folders().items():
        for name in _walk(storage, folder):
            if name in kept or storage.get_modified_time(name) >= cutoff:
                continue
            storage.delete(name)
            deleted.append(name)
            if on_progress and len(deleted) % 200 == 0:
                on_progress()
    if deleted:
        logger.info("Deleted %d orphaned media files", len(deleted))
    return deleted


def sweep() -> int | None:
    """The hourly sweep: delete_orphaned_files() under the `sweeps.orphaned-files` lease, renewed as it goes;
    None while another run holds the lease."""
    try:
        with lease("sweeps.orphaned-files") as held:
            return len(delete_orphaned_files(on_progress=held.renew))
    except LeaseHeld:
        logger.info("Orphaned-file sweep skipped: the previous one is still running.")
        return None
