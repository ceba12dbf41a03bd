import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Address, User
from community.models import CommunityProfile

PASSWORD = "correct-Horse-7"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Jiwoo"
    is_active = True
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    profile = factory.RelatedFactory("tests.accounts.factories.ProfileFactory", factory_related_name="user")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityProfile

    user = factory.SubFactory(UserFactory, profile=None)
    nickname = factory.Sequence(lambda n: f"member{n}")
    nickname_key = factory.LazyAttribute(lambda o: o.nickname.casefold())


def in_group(name: str) -> factory.PostGeneration:
    """A `groups` hook that puts the created user in the named group."""

    def add(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=name))

    return factory.PostGeneration(add)


class OrderStaffFactory(UserFactory):
    is_staff = True
    groups = in_group("Order staff")


class EditorFactory(UserFactory):
    is_staff = True
    groups = in_group("Editors")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    name = "Jiwoo Kim"
    phone = "+12135550100"
    country = "US"
    state = "CA"
    city = "Los Angeles"
    line1 = "123 Wilshire Blvd"
    postal_code = "90010"
    is_default = True


def client_as(user=None) -> APIClient:
    """An API client signed in as `user` (anonymous when None)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
