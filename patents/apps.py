from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatentsConfig(AppConfig):
    name = "patents"
    verbose_name = _("Patents and trademarks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incubator import permissions
        from incubator.choices import Role
        from incubator.registry import DemoSeeder, NavItem, NotificationKind, Panel, PeriodicJob, registry

        from . import panels

        models = ["filing", "filingevent", "deadline", "filingdocument", "ipsettings"]
        registry.register_role_permissions(
            Role.CENTRE_STAFF,
            [
                *[f"patents.view_{m}" for m in models],
                "patents.add_filing",
                "patents.change_filing",
                "patents.add_filingevent",
                "patents.change_deadline",
                "patents.add_filingdocument",
                "patents.change_filingdocument",
                "patents.change_ipsettings",
            ],
        )
        registry.register_role_permissions(Role.DISTRICT, [f"patents.view_{m}" for m in models])

        registry.register_nav_item(
            NavItem(
                key="patents",
                label=_("Patents and trademarks"),
                url_name="patents:filing_list",
                order=30,
                visible=lambda user: user.is_authenticated,
            )
        )
        registry.register_nav_item(
            NavItem(
                key="ip-indicators",
                label=_("IP indicators"),
                url_name="patents:indicators",
                order=80,
                visible=lambda user: permissions.is_district(user) or permissions.is_centre_staff(user),
            )
        )
        registry.register_panel(
            Panel(
                key="upcoming-ip-deadlines",
                template="patents/panels/upcoming_deadlines.html",
                order=30,
                visible=lambda user: user.is_authenticated,
                context=panels.upcoming,
            )
        )
        for name in ("deadline_reminder", "deadline_missed"):
            registry.register_notification_kind(
                NotificationKind(
                    key=f"patents.{name}",
                    subject_template=f"patents/email/{name}_subject.txt",
                    body_template=f"patents/email/{name}.txt",
                )
            )
        registry.register_periodic_job(
            PeriodicJob(
                name="patents: deadline reminders",
                task="patents.deadline_reminders_send",
                crontab={"minute": "15", "hour": "8"},
                description="Owners and IP officers hear 90, 30 and 7 days before each open IP deadline.",
            )
        )
        registry.register_periodic_job(
            PeriodicJob(
                name="patents: missed deadlines and expiries",
                task="patents.deadlines_sweep",
                crontab={"minute": "30", "hour": "0"},
                description="Flags missed IP deadlines the day after, lapses unpaid patents, expires ended terms.",
            )
        )
        from .demo import seed_patents

        registry.register_demo_seeder(DemoSeeder(key="patents", seed=seed_patents, order=40))
