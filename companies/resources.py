"""Bulk import of companies from XLSX/CSV (django-import-export).

Every row is validated (`full_clean`, so the credit code's check digit too) and the import
runs in one transaction: a file with any bad row is refused as a whole, with a report per row.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from incubator.models import Site

from .choices import CompanyStatus
from .models import Company, Residency


class CompanyResource(resources.ModelResource):
    site = fields.Field(column_name="site", attribute=None)

    class Meta:
        model = Company
        import_id_fields = ["name"]
        fields = [
            "name",
            "name_en",
            "credit_code",
            "legal_form",
            "founded_on",
            "sector",
            "website",
            "description",
            "status",
            "admitted_on",
            "site",
        ]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def import_data(self, dataset, **kwargs):
        # A file with any invalid row is refused as a whole, also when called outside the admin.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        code = (row.get("credit_code") or "").strip().upper()
        row["credit_code"] = code or None
        site_code = (row.get("site") or "").strip()
        if site_code and not Site.objects.filter(code=site_code).exists():
            raise ValidationError({"site": _("No site has the code %(code)s.") % {"code": site_code}})

    def after_save_instance(self, instance, row, **kwargs):
        site_code = (row.get("site") or "").strip()
        if not site_code or instance.status != CompanyStatus.RESIDENT:
            return
        if Residency.objects.filter(company=instance, ends_on__isnull=True).exists():
            return
        Residency.objects.create(
            company=instance,
            site=Site.objects.get(code=site_code),
            starts_on=instance.admitted_on or timezone.localdate(),
        )
