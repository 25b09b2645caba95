from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubatorConfig(AppConfig):
    name = "incubator"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_migrate

        from . import permissions
        from .choices import Role
        from .registry import NavItem, NotificationKind, Panel, PeriodicJob, registry

        post_migrate.connect(_install_defaults, dispatch_uid="incubator.install_defaults")
        registry.register_role_permissions(
            Role.CENTRE_STAFF,
            ["incubator.view_site", "incubator.view_user", "incubator.view_notification", "incubator.view_heartbeat"],
        )
        registry.register_role_permissions(Role.DISTRICT, ["incubator.view_site"])
        registry.register_nav_item(NavItem(key="home", label=_("Home"), url_name="home", order=0))
        registry.register_nav_item(
            NavItem(
                key="admin",
                label=_("Administration"),
                url_name="admin:index",
                order=900,
                visible=lambda user: user.is_authenticated and user.is_staff,
            )
        )
        registry.register_panel(Panel(key="welcome", template="incubator/panels/welcome.html", order=0))
        registry.register_panel(
            Panel(
                key="staff-tools",
                template="incubator/panels/staff_tools.html",
                order=500,
                visible=lambda user: permissions.is_centre_staff(user) or permissions.is_district(user),
            )
        )
        registry.register_panel(
            Panel(
                key="messages",
                template="incubator/panels/messages.html",
                order=800,
                context=lambda request: {
                    "recent_notifications": request.user.notifications.order_by("-created_at")[:5]
                },
            )
        )
        registry.register_notification_kind(
            NotificationKind(
                key="account.password_reset",
                subject_template="incubator/email/password_reset_subject.txt",
                body_template="incubator/email/password_reset.txt",
            )
        )
        registry.register_periodic_job(
            PeriodicJob(
                name="incubator: worker heartbeat",
                task="incubator.heartbeat_record",
                every_seconds=settings.HEARTBEAT_INTERVAL_SECONDS,
                description="Records that a worker is alive; /healthz reads it.",
            )
        )
        registry.register_periodic_job(
            PeriodicJob(
                name="incubator: send notifications",
                task="incubator.notifications_dispatch",
                every_seconds=settings.NOTIFICATION_DISPATCH_INTERVAL_SECONDS,
                description="Sends the messages of the outbox that are due.",
            )
        )


def _install_defaults(sender, using="default", **kwargs) -> None:
    """After every migrate: the role groups and the default beat schedule.

    Runs once, for the last app that has models, so that every app's permissions exist.
    """
    from django.apps import apps

    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label != last.label:
        return
    from .services import periodic_jobs_install, roles_install

    roles_install(using=using)
    periodic_jobs_install(using=using)
