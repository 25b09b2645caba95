from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination that refuses a malformed `page` or `page_size` instead of ignoring it."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        try:
            if len(raw) > 1:
                raise ValueError
            size = int(raw[0])
            if not 1 <= size <= self.max_page_size:
                raise ValueError
        except ValueError:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            ) from None
        return size

    def get_page_number(self, request, paginator):
        raw = request.query_params.getlist(self.page_query_param)
        if not raw:
            return 1
        if len(raw) > 1 or not raw[0].isdigit() or int(raw[0]) < 1:
            raise ValidationError({self.page_query_param: [_("Enter a page number from 1.")]})
        return raw[0]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters
