from django.contrib.auth.models import Group
from django.utils import timezone

from community.services import create_profile

from .models import Address, User

PASSWORD = "bidangil-demo-1"
USERS = [
    # email, nickname, role
    ("admin@bidangil.local", "bd_admin", "superuser"),
    ("staff@bidangil.local", "orderdesk", "Order staff"),
    ("editor@bidangil.local", "editor_bd", "Editors"),
    ("jiwoo@example.com", "jiwoo", "customer"),
    ("minho@example.com", "민호", "customer"),
]


def load(stdout) -> None:
    for email, nickname, role in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                PASSWORD,
                is_active=True,
                email_verified_at=timezone.now(),
                is_staff=role != "customer",
                is_superuser=role == "superuser",
            )
            create_profile(user=user, nickname=nickname)
            if role not in ("customer", "superuser"):
                user.groups.add(Group.objects.get(name=role))
            if role == "customer":
                Address.objects.create(
                    user=user,
                    name=nickname,
                    phone="+12135550100",
                    country="US",
                    state="CA",
                    city="Los Angeles",
                    line1="3500 W 6th St",
                    postal_code="90020",
                    is_default=True,
                )
        stdout.write(f"  {role:<12} {email} / {PASSWORD}")
