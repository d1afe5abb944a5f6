"""Accounts for the load scripts: one per role, each with a confirmed authenticator app (TOTP).

Run with the target's settings in the environment; prints `user <username> <role> <totp key hex>`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_PASSWORD = "bench-password-not-for-real-use-2026"  # noqa: S105 - private benchmark servers only

# The main pages each role uses all day (GET paths).
ROLE_PAGES: dict[str, list[str]] = {
    "screener": ["/", "/notifications/", "/front-door/"],
    "advisor": ["/", "/front-door/"],
    "cate_worker": ["/", "/cate/", "/risk-panel/", "/notifications/"],
    "team_leader": ["/", "/cate/", "/risk-panel/", "/reports/", "/settings/"],
    "group_manager": ["/", "/reports/", "/settings/", "/front-door/"],
    "auditor": ["/", "/audit/"],
}


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    django.setup()
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.demo import seed_organisation
    from core.models import User
    from core.roles import Role

    seed_organisation(password=BENCH_PASSWORD)  # agencies, teams and the role groups
    per_role = int(os.environ.get("BENCH_ACCOUNTS_PER_ROLE", "3"))
    for role in ROLE_PAGES:
        for n in range(1, per_role + 1):
            username = f"bench_{role}_{n}"
            user = User.objects.filter(username=username).first() or User(username=username)
            user.first_name, user.last_name = f"Bench {Role(role).label}", f"{n}"
            user.set_password(BENCH_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=Role(role).label)])
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True, tolerance=2)
            print(f"user {username} {role} {device.bin_key.hex()}")


if __name__ == "__main__":
    main()
