import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Site


class SiteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = Site
        fields = ["kind", "is_active", "code"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(code__icontains=value))
