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
        for key, subject in (
            ("companies.admission_accepted", "{% trans 'Welcome: your application has been accepted' %}"),
            ("companies.admission_rejected", "{% trans 'About your application' %}"),
            (
                "companies.invitation",
                "{% blocktrans with name=company.name %}You have been added to {{ name }}{% endblocktrans %}",
            ),
            (
                "companies.designation_expiring",
                "{% blocktrans count days=days_left %}A designation expires in "
                "{{ days }} day{% plural %}A designation expires in {{ days }} days"
                "{% endblocktrans %}",
            ),
            (
                "companies.figures_request",
                "{% blocktrans %}Please enter your figures for {{ year }}{% endblocktrans %}",
            ),
        ):
            registry.register_notification_kind(
                NotificationKind(key=key, subject=subject, body_template=f"companies/email/{key.split('.')[1]}.txt")
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
