import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from incubator.demo import ACCOUNTS, seed_platform
from incubator.registry import registry


class Command(BaseCommand):
    help = "Create or refresh the demo sites, accounts and each app's demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password of every demo account (default: DEMO_PASSWORD, else random).")
        parser.add_argument("--quiet", action="store_true", help="Do not print the accounts.")

    def handle(self, *args, password=None, quiet=False, **options):
        password = password or settings.DEMO_PASSWORD or secrets.token_urlsafe(9)
        users = seed_platform(password=password)
        for seeder in sorted(registry.demo_seeders.values(), key=lambda s: (s.order, s.key)):
            seeder.seed(users=users, stdout=self.stdout)
        if quiet:
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {password})"))
        for spec in ACCOUNTS:
            role = "superuser" if spec.get("superuser") else (", ".join(spec["roles"]) or "maker")
            self.stdout.write(f"  {spec['email']:<24} {role}")
