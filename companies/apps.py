from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incubator import permissions
        from incubator.choices import Role
        from incubator.registry import DemoSeeder, NavItem, NotificationKind, Panel, PeriodicJob, registry

        from . import panels, selectors

        registry.register_company_role_resolver(selectors.company_role_resolver)

        models = [
            "company",
            "residency",
            "membership",
            "admission",
            "designation",
            "yearfigures",
            "award",
            "consultation",
        ]
        registry.register_role_permissions(
            Role.CENTRE_STAFF,
            [f"companies.{action}_{m}" for m in models for action in ("view", "add", "change")],
        )
        registry.register_role_permissions(Role.DISTRICT, [f"companies.view_{m}" for m in models])

        registry.register_nav_item(
            NavItem(
                key="companies",
                label=_("Companies"),
                url_name="companies:list",
                order=10,
                visible=lambda user: user.is_authenticated,
            )
        )
        registry.register_nav_item(
            NavItem(
                key="admissions",
                label=_("Admissions"),
                url_name="companies:admission_list",
                order=20,
                visible=lambda user: user.is_authenticated,
            )
        )
        registry.register_panel(
            Panel(
                key="my-company",
                template="companies/panels/my_company.html",
                order=10,
                visible=lambda user: not permissions.is_centre_staff(user),
                context=panels.my_companies,
            )
        )
        registry.register_panel(
            Panel(
                key="my-team",
                template="companies/panels/my_team.html",
                order=20,
                visible=lambda user: not permissions.is_centre_staff(user),
                context=panels.my_team,
            )
        )
        registry.register_panel(
            Panel(
                key="admissions-waiting",
                template="companies/panels/admissions_waiting.html",
                order=15,
                visible=lambda user: permissions.is_centre_staff(user) or permissions.is_district(user),
                context=panels.admissions_waiting,
            )
        )
        for name in (
            "admission_accepted",
            "admission_rejected",
            "invitation",
            "designation_expiring",
            "figures_request",
        ):
            registry.register_notification_kind(
                NotificationKind(
                    key=f"companies.{name}",
                    subject_template=f"companies/email/{name}_subject.txt",
                    body_template=f"companies/email/{name}.txt",
                )
            )
        registry.register_periodic_job(
            PeriodicJob(
                name="companies: designation reminders",
                task="companies.designation_reminders_send",
                crontab={"minute": "0", "hour": "8"},
                description="Owners and staff hear 90 and 30 days before a designation expires.",
            )
        )
        registry.register_periodic_job(
            PeriodicJob(
                name="companies: yearly figures requests",
                task="companies.figures_requests_send",
                crontab={"minute": "0", "hour": "9", "day_of_month": "1"},
                description="From January, owners are asked monthly for last year's figures until entered.",
            )
        )
        from .demo import seed_companies

        registry.register_demo_seeder(DemoSeeder(key="companies", seed=seed_companies, order=10))
