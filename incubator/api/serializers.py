from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from incubator.choices import Language
from incubator.models import Site, User


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(label=_("E-mail address"))
    password = serializers.CharField(label=_("Password"), trim_whitespace=False, style={"input_type": "password"}, max_length=256)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    staff_sites = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    language = serializers.ChoiceField(choices=Language.choices)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "phone", "language", "roles", "staff_sites", "is_superuser"]
        read_only_fields = ["id", "email", "roles", "staff_sites", "is_superuser"]

    def get_roles(self, user) -> list[str]:
        return sorted(group.name for group in user.groups.all())


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "name", "name_en", "code", "kind", "address", "total_area_m2", "opened_on", "is_active"]
