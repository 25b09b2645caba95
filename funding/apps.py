from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incubator.choices import Role
        from incubator.registry import DemoSeeder, NavItem, NotificationKind, Panel, PeriodicJob, registry

        from . import panels

        models = [
            "programme",
            "fundingapplication",
            "disbursement",
            "sponsor",
            "sponsorcontact",
            "introduction",
            "investment",
        ]
        registry.register_role_permissions(
            Role.CENTRE_STAFF,
            [
                *[f"funding.{action}_{m}" for m in models for action in ("view", "add", "change")],
                "funding.view_applicationdocument",
                "funding.delete_disbursement",
                "funding.delete_sponsorcontact",
            ],
        )
        registry.register_role_permissions(
            Role.DISTRICT, [f"funding.view_{m}" for m in [*models, "applicationdocument"]]
        )

        registry.register_nav_item(
            NavItem(
                key="funding",
                label=_("Funding"),
                url_name="funding:programme_list",
                order=50,
                visible=lambda user: user.is_authenticated,
            )
        )
        registry.register_nav_item(
            NavItem(
                key="sponsors",
                label=_("Sponsors and introductions"),
                url_name="funding:introduction_list",
                order=55,
                visible=lambda user: user.is_authenticated,
            )
        )
        registry.register_panel(
            Panel(
                key="funding",
                template="funding/panels/funding.html",
                order=40,
                visible=lambda user: user.is_authenticated,
                context=panels.funding,
            )
        )
        registry.register_panel(
            Panel(
                key="introductions",
                template="funding/panels/introductions.html",
                order=45,
                visible=lambda user: user.is_authenticated,
                context=panels.introductions,
            )
        )
        for name in (
            "application_approved",
            "application_rejected",
            "introduction_requested",
            "programme_closing",
            "introduction_quiet",
            "disbursement_due",
        ):
            registry.register_notification_kind(
                NotificationKind(
                    key=f"funding.{name}",
                    subject_template=f"funding/email/{name}_subject.txt",
                    body_template=f"funding/email/{name}.txt",
                )
            )
        registry.register_periodic_job(
            PeriodicJob(
                name="funding: programme closing reminders",
                task="funding.programme_closing_reminders_send",
                crontab={"minute": "15", "hour": "8"},
                description="Owners of eligible companies that have not applied hear 14 and 3 days before a programme closes.",
            )
        )
        registry.register_periodic_job(
            PeriodicJob(
                name="funding: quiet introduction reminders",
                task="funding.introduction_quiet_reminders_send",
                crontab={"minute": "20", "hour": "8"},
                description="Staff hear of an introduction with no update for 14 days.",
            )
        )
        registry.register_periodic_job(
            PeriodicJob(
                name="funding: disbursement due reminders",
                task="funding.disbursement_due_reminders_send",
                crontab={"minute": "25", "hour": "8"},
                description="Funding officers hear of an unpaid tranche due within 7 days.",
            )
        )
        from .demo import seed_funding

        registry.register_demo_seeder(DemoSeeder(key="funding", seed=seed_funding, order=50))
