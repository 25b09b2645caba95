from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Heartbeat, Notification, Site, User

admin.site.site_header = _("Incubator administration")
admin.site.site_title = _("Incubator")
admin.site.index_title = _("Centre administration")


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "code", "kind", "total_area_m2", "opened_on", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_en", "code", "address"]
    prepopulated_fields = {"code": ["name_en"]}


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "role_names", "is_active", "is_superuser", "last_login"]
    list_filter = ["groups", "staff_sites", "is_active", "is_superuser", "language"]
    search_fields = ["email", "full_name", "phone"]
    readonly_fields = ["is_staff", "last_login", "date_joined"]
    filter_horizontal = ["groups", "staff_sites", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["full_name", "phone", "language"]}),
        (_("Roles"), {"fields": ["groups", "staff_sites", "is_active", "is_superuser", "is_staff"]}),
        (_("Extra permissions"), {"classes": ["collapse"], "fields": ["user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_names(self, user):
        return ", ".join(sorted(g.name for g in user.groups.all())) or "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.user_sync_admin_access(user=form.instance)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: messages are queued by the apps and sent by the dispatcher."""

    list_display = ["created_at", "recipient", "kind", "language", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["recipient__email", "subject", "dedupe_key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "beat_at", "hostname"]
    readonly_fields = ["name", "beat_at", "hostname"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
