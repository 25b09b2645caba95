from django.core.management.base import BaseCommand

from incubator.services import periodic_jobs_install, roles_install


class Command(BaseCommand):
    help = "Install the role groups and the default beat schedule (idempotent; migrate does it too)."

    def handle(self, *args, **options):
        roles_install()
        added = periodic_jobs_install()
        self.stdout.write(f"Roles installed; {added} periodic job(s) added.")
