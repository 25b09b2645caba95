from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError


def validate_credit_code(value: str) -> None:
    """The unified social credit code (统一社会信用代码): 18 characters with a check digit."""
    if not value:
        return
    try:
        uscc.validate(value)
    except InvalidChecksum:
        raise ValidationError(_("The check digit of this credit code is wrong."), code="checksum") from None
    except StdnumError:
        raise ValidationError(
            _("A unified social credit code has 18 digits and capital letters."), code="invalid"
        ) from None
