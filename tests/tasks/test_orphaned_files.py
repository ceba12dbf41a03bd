"""Files no row references (an upload killed before its row was written, a replaced avatar) are swept."""

import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from bidangil import orphans
from commerce.shipping.models import ParcelPhoto
from community.avatars import services as avatars
from community.avatars.models import AvatarRequest
from community.models import CommunityProfile
from tasks.models import JobLease
from tasks.sweeps import sweep_orphaned_files

pytestmark = pytest.mark.django_db

OLD = time.time() - orphans.GRACE.total_seconds() - 60


def stored(name: str, *, old: bool = True, storage=default_storage) -> str:
    name = storage.save(name, ContentFile(b"x"))
    if old:
        os.utime(storage.path(name), (OLD, OLD))
    return name


def draw(user) -> str:
    request = AvatarRequest.objects.create(user=user, species="robot", answers=[1, 1, 1, 1])
    return avatars.generate(request.pk).image


def test_replaced_avatars_and_uploads_without_a_row_are_deleted(user):
    first = draw(user)
    os.utime(default_storage.path(first), (OLD, OLD))
    current = draw(user)  # replaces the first avatar on the profile
    os.utime(default_storage.path(current), (OLD, OLD))
    photos = ParcelPhoto._meta.get_field("image").storage
    killed_upload = stored("parcels/a1b2c3.jpg", storage=photos)  # the intake request died before its row
    fresh_upload = stored("profiles/in-flight.png", old=False)  # its row may still be on the way

    assert sweep_orphaned_files.call_local() == 2

    assert not default_storage.exists(first)
    assert not photos.exists(killed_upload)
    assert default_storage.exists(current) and CommunityProfile.objects.get(user=user).avatar.name == current
    assert default_storage.exists(fresh_upload)
    assert not JobLease.objects.exists()


def test_files_referenced_by_any_file_field_are_kept(user, staff_user):
    from commerce.shipping.models import Parcel
    from tests.commerce.factories import requested_order

    order = requested_order(user)
    parcel = Parcel.objects.create(
        weight_g=100,
        billable_weight_g=100,
        delivery_fee_cents=100,
        length_cm=1,
        width_cm=1,
        height_cm=1,
        received_by=staff_user,
    )
    order.parcel = parcel
    order.save(update_fields=["parcel"])
    photo = ParcelPhoto.objects.create(parcel=parcel, image=stored("parcels/2026/11/kept.jpg"))
    outside = stored("reports/not-an-upload-folder.txt")

    assert orphans.delete_orphaned_files() == []
    assert default_storage.exists(photo.image.name) and default_storage.exists(outside)


def test_a_later_run_deletes_what_is_older_than_the_grace_period(user):
    name = stored("profiles/abandoned.png", old=False)
    assert orphans.delete_orphaned_files() == []
    assert orphans.delete_orphaned_files(now=orphans.timezone.now() + orphans.GRACE + timedelta(minutes=1)) == [name]
