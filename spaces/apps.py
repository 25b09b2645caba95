from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = _("Office spaces")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from companies.signals import residency_ended
        from incubator import permissions
        from incubator.choices import Role
        from incubator.registry import DemoSeeder, NavItem, NotificationKind, Panel, PeriodicJob, registry

        from . import panels, selectors, services

        residency_ended.connect(services.company_residency_ended, dispatch_uid="spaces.company_residency_ended")

        models = ["space", "allocation", "spacerequest"]
        registry.register_role_permissions(
            Role.CENTRE_STAFF,
            [f"spaces.{action}_{m}" for m in models for action in ("view", "add", "change")]
            + ["spaces.delete_allocation"],
        )
        registry.register_role_permissions(Role.DISTRICT, [f"spaces.view_{m}" for m in models])

        registry.register_nav_item(
            NavItem(
                key="spaces",
                label=_("Spaces"),
                url_name="spaces:index",
                order=30,
                visible=lambda user: user.is_authenticated,
            )
        )
        registry.register_panel(
            Panel(
                key="my-space",
                template="spaces/panels/my_space.html",
                order=12,
                visible=lambda user: not selectors.can_see_occupancy(user),
                context=panels.my_space,
            )
        )
        registry.register_panel(
            Panel(
                key="occupancy",
                template="spaces/panels/occupancy.html",
                order=16,
                visible=lambda user: permissions.is_centre_staff(user) or permissions.is_district(user),
                context=panels.occupancy,
            )
        )
        for name in ("allocation_ending", "request_offered", "request_declined"):
            registry.register_notification_kind(
                NotificationKind(
                    key=f"spaces.{name}",
                    subject_template=f"spaces/email/{name}_subject.txt",
                    body_template=f"spaces/email/{name}.txt",
                )
            )
        registry.register_periodic_job(
            PeriodicJob(
                name="spaces: allocation reminders",
                task="spaces.allocation_reminders_send",
                crontab={"minute": "15", "hour": "8"},
                description="Owners and staff hear 60, 30 and 7 days before an allocation ends.",
            )
        )
        from .demo import seed_spaces

        registry.register_demo_seeder(DemoSeeder(key="spaces", seed=seed_spaces, order=20))
