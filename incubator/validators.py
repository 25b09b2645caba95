"""Validators that several apps share."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


def validate_pdf(upload) -> None:
    """A PDF by its content, not its name: the `%PDF-` header and the `%%EOF` trailer,
    within the size limit (`UPLOAD_MAX_BYTES`)."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s."), code="too_large", params={"limit": filesizeformat(limit)}
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        head = upload.read(1024)
        upload.seek(max(upload.size - 2048, 0))
        tail = upload.read()
    finally:
        upload.seek(position)
    if b"%PDF-" not in head[:1024] or b"%%EOF" not in tail:
        raise ValidationError(_("The file is not a PDF document."), code="not_pdf")
