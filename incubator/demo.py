"""The platform's demo data: the two sites and the five demo accounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from . import services
from .choices import Language, Role, SiteKind
from .models import Site, User

NMEC = {
    "code": "nmec",
    "name": "北方创客体验中心",
    "name_en": "Northern Maker Experience Center",
    "kind": SiteKind.EXPERIENCE_CENTER,
    "address": "天津市河西区友谊路",
    "total_area_m2": Decimal("12000.00"),
    "opened_on": date(2015, 9, 1),
}
SECOND_SITE = {
    "code": "hexi-sti",
    "name": "河西区科技企业孵化器",
    "name_en": "Hexi Science and Technology Business Incubator",
    "kind": SiteKind.INCUBATOR,
    "address": "天津市河西区解放南路",
    "total_area_m2": Decimal("8500.00"),
    "opened_on": date(2012, 5, 18),
}

ACCOUNTS = [
    {
        "email": "admin@demo.local",
        "full_name": "系统管理员",
        "superuser": True,
        "roles": (),
        "language": Language.ZH_HANS,
    },
    {
        "email": "staff@demo.local",
        "full_name": "王晓楠",
        "roles": (Role.CENTRE_STAFF,),
        "sites": ("nmec",),
        "language": Language.ZH_HANS,
    },
    {"email": "district@demo.local", "full_name": "刘建国", "roles": (Role.DISTRICT,), "language": Language.ZH_HANS},
    {"email": "maker-a@demo.local", "full_name": "张伟", "roles": (), "language": Language.ZH_HANS},
    {"email": "maker-b@demo.local", "full_name": "Emily Chen", "roles": (), "language": Language.EN},
]


@transaction.atomic
def seed_platform(*, password: str) -> dict[str, User]:
    sites = {}
    for spec in (NMEC, SECOND_SITE):
        site = Site.objects.filter(code=spec["code"]).first()
        sites[spec["code"]] = site or services.site_create(**spec)
    users = {}
    for spec in ACCOUNTS:
        user = User.objects.filter(email=spec["email"]).first()
        if user is None:
            user = services.user_create(
                email=spec["email"],
                full_name=spec["full_name"],
                language=spec["language"],
                is_superuser=spec.get("superuser", False),
            )
        services.user_set_roles(
            user=user, roles=spec["roles"], staff_sites=[sites[code] for code in spec.get("sites", ())]
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        users[spec["email"]] = user
    return users
