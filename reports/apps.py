from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incubator.choices import Role
        from incubator.registry import DemoSeeder, NavItem, NotificationKind, Panel, PeriodicJob, registry

        from . import panels, selectors
        from .demo import seed_reports

        registry.register_demo_seeder(DemoSeeder(key="reports", seed=seed_reports, order=90))

        registry.register_role_permissions(Role.CENTRE_STAFF, ["reports.view_reportexport"])
        registry.register_role_permissions(Role.DISTRICT, ["reports.view_reportexport"])
        registry.register_nav_item(
            NavItem(
                key="district",
                label=_("Indicators"),
                url_name="reports:dashboard",
                order=60,
                visible=selectors.can_use_reports,
            )
        )
        registry.register_panel(
            Panel(
                key="latest-reports",
                template="reports/panels/latest_reports.html",
                order=45,
                visible=selectors.can_use_reports,
                context=panels.latest_reports,
            )
        )
        registry.register_notification_kind(
            NotificationKind(
                key="reports.scheduled_report",
                subject_template="reports/email/scheduled_report_subject.txt",
                body_template="reports/email/scheduled_report.txt",
            )
        )
        registry.register_periodic_job(
            PeriodicJob(
                name="reports: monthly district report",
                task="reports.monthly_report_create",
                crontab={"minute": "0", "hour": "6", "day_of_month": "1"},
                description="On the 1st: last month's district report, e-mailed to the district committee.",
            )
        )
        registry.register_periodic_job(
            PeriodicJob(
                name="reports: quarterly district report",
                task="reports.quarterly_report_create",
                crontab={"minute": "30", "hour": "6", "day_of_month": "1", "month_of_year": "1,4,7,10"},
                description="On the 1st of January, April, July and October: last quarter's district report.",
            )
        )
