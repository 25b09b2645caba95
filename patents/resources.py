"""Bulk import of filings from XLSX/CSV (django-import-export).

Every row is validated like a filing recorded in the portal (`full_clean`: the application
number's format, check digit and type digit, a grant before the filing date, …) and the
import runs in one transaction: a file with any bad row is refused as a whole, with a
report per row. Each imported filing gets its deadlines computed at once.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from companies.models import Company
from incubator import permissions

from .choices import PATENT_KINDS, FeeReduction, FilingKind, FilingStatus
from .models import Filing
from .services import filing_deadlines_recompute


class CompanyWidget(widgets.ForeignKeyWidget):
    """A company by its legal name or its unified social credit code."""

    def __init__(self):
        super().__init__(Company, "name")

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            raise ValueError(_("Name the company."))
        company = Company.objects.filter(Q(name=value) | Q(credit_code=value.upper())).first()
        if company is None:
            raise ValueError(_("No company is called %(name)s.") % {"name": value})
        return company


class ChoiceWidget(widgets.Widget):
    """A choice by its code or by its label in either language."""

    def __init__(self, choices, default=None):
        super().__init__()
        self.choices = choices
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            if self.default is not None:
                return self.default
            raise ValueError(_("This column needs a value."))
        from django.utils import translation

        for code in self.choices.values:
            labels = {code.lower()}
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    labels.add(str(self.choices(code).label).lower())
            if text.lower() in labels:
                return code
        raise ValueError(_("%(value)s is not one of the choices.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value or ""


class NumberListWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        parts = [p for p in re.split(r"[\s,，、;；]+", str(value or "")) if p]
        if not all(p.isdigit() for p in parts):
            raise ValueError(_("Write the Nice classes as numbers separated by commas."))
        return [int(p) for p in parts]

    def render(self, value, obj=None, **kwargs):
        return ", ".join(str(v) for v in value or [])


class NameListWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return [p.strip() for p in re.split(r"[\n;；、]+", str(value or "")) if p.strip()]

    def render(self, value, obj=None, **kwargs):
        return "; ".join(value or [])


class FilingResource(resources.ModelResource):
    company = fields.Field(attribute="company", column_name="company", widget=CompanyWidget())
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(FilingKind))
    status = fields.Field(attribute="status", column_name="status", widget=ChoiceWidget(FilingStatus, default=""))
    fee_reduction = fields.Field(
        attribute="fee_reduction", column_name="fee_reduction", widget=ChoiceWidget(FeeReduction, FeeReduction.NONE)
    )
    nice_classes = fields.Field(attribute="nice_classes", column_name="nice_classes", widget=NumberListWidget())
    inventors = fields.Field(attribute="inventors", column_name="inventors", widget=NameListWidget())

    class Meta:
        model = Filing
        import_id_fields = ["kind", "application_number"]
        fields = [
            "company",
            "kind",
            "title",
            "application_number",
            "filing_date",
            "priority_date",
            "publication_date",
            "grant_date",
            "grant_number",
            "nice_classes",
            "ipc_class",
            "inventors",
            "agency",
            "agent",
            "fee_reduction",
            "status",
            "annuities_paid_through",
            "notes",
        ]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__()
        self.user = kwargs.get("user")

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # All or nothing, whoever calls: a file with a bad row changes nothing.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs)

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user") or self.user

    def before_import_row(self, row, **kwargs):
        from .validators import normalise_application_number

        row["application_number"] = normalise_application_number(str(row.get("application_number") or ""))

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        errors = {}
        if not instance.status:
            from .services import initial_status

            instance.status = initial_status(instance)
        if instance.company_id and self.user is not None and not permissions.is_superuser(self.user):
            from companies.services import company_current_site_id

            if not permissions.is_site_staff(self.user, company_current_site_id(instance.company)):
                errors["company"] = _("You do not work for this company's site.")
        if (
            instance.kind in PATENT_KINDS
            and instance.status in (FilingStatus.GRANTED, FilingStatus.LAPSED)
            and instance.annuities_paid_through is None
        ):
            errors["annuities_paid_through"] = _(
                "Give the last patent year whose annual fee has been paid, so that the next one can be tracked."
            )
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        filing_deadlines_recompute(filing=instance)
