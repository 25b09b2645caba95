from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabsConfig(AppConfig):
    name = "labs"
    verbose_name = _("Labs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incubator import permissions
        from incubator.choices import Role
        from incubator.registry import DemoSeeder, NavItem, NotificationKind, Panel, PeriodicJob, registry

        from . import panels
        from .demo import seed_labs

        models = ["lab", "openinghours", "closure", "equipment", "maintenancewindow", "training", "booking"]
        registry.register_role_permissions(
            Role.CENTRE_STAFF,
            [f"labs.{action}_{m}" for m in models for action in ("view", "add", "change")]
            + ["labs.delete_openinghours", "labs.delete_closure", "labs.delete_maintenancewindow"],
        )
        registry.register_role_permissions(Role.DISTRICT, [f"labs.view_{m}" for m in models])

        registry.register_nav_item(
            NavItem(
                key="labs",
                label=_("Labs"),
                url_name="labs:lab_list",
                order=30,
                visible=lambda user: user.is_authenticated,
            )
        )
        registry.register_nav_item(
            NavItem(
                key="lab-bookings",
                label=_("My bookings"),
                url_name="labs:booking_list",
                order=31,
                visible=lambda user: user.is_authenticated and not permissions.is_district(user),
            )
        )
        registry.register_panel(
            Panel(
                key="my-bookings",
                template="labs/panels/my_bookings.html",
                order=25,
                visible=lambda user: not permissions.is_centre_staff(user) and not permissions.is_district(user),
                context=panels.my_bookings,
            )
        )
        registry.register_panel(
            Panel(
                key="bookings-waiting",
                template="labs/panels/bookings_waiting.html",
                order=16,
                visible=permissions.is_centre_staff,
                context=panels.bookings_waiting,
            )
        )
        registry.register_panel(
            Panel(
                key="lab-utilisation",
                template="labs/panels/utilisation.html",
                order=40,
                visible=lambda user: permissions.is_centre_staff(user) or permissions.is_district(user),
                context=panels.utilisation,
            )
        )
        for name in (
            "booking_reminder",
            "booking_pending",
            "booking_confirmed",
            "booking_declined",
            "booking_cancelled",
        ):
            registry.register_notification_kind(
                NotificationKind(
                    key=f"labs.{name}",
                    subject_template=f"labs/email/{name}_subject.txt",
                    body_template=f"labs/email/{name}.txt",
                )
            )
        registry.register_periodic_job(
            PeriodicJob(
                name="labs: booking reminders",
                task="labs.booking_reminders_send",
                every_seconds=300,
                description="Bookers hear 24 hours and again shortly before a confirmed booking.",
            )
        )
        registry.register_periodic_job(
            PeriodicJob(
                name="labs: bookings waiting for staff",
                task="labs.pending_bookings_remind_staff",
                every_seconds=600,
                description="The lab staff hear of each booking that waits for their confirmation.",
            )
        )
        registry.register_periodic_job(
            PeriodicJob(
                name="labs: complete ended bookings",
                task="labs.bookings_complete_ended",
                every_seconds=900,
                description="Confirmed bookings that ended become completed; unconfirmed ones that began expire.",
            )
        )
        registry.register_demo_seeder(DemoSeeder(key="labs", seed=seed_labs, order=30))
