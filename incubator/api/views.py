from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from incubator import services
from incubator.errors import ServiceError
from incubator.filters import SiteFilter
from incubator.selectors import sites_visible_to

from .serializers import MeSerializer, SiteSerializer, TokenRequestSerializer, TokenSerializer


class LockedOut(ServiceError):
    code = "locked_out"
    status = 429


class AuthTokenApi(APIView):
    """Exchange an e-mail address and password for an API token, or revoke your token."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, operation_id="auth_token_create")
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = authenticate(
                request._request,
                username=serializer.validated_data["email"],
                password=serializer.validated_data["password"],
            )
        except AxesBackendPermissionDenied:
            raise LockedOut(_("Too many failed sign-ins. Try again later.")) from None
        if getattr(request._request, "axes_locked_out", False):
            raise LockedOut(_("Too many failed sign-ins. Try again later."))
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(
                _("The e-mail address or the password is not correct."), code="invalid_credentials"
            )
        token = services.api_token_obtain(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None}, operation_id="auth_token_destroy")
    def delete(self, request):
        services.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(generics.RetrieveUpdateAPIView):
    """The signed-in user's own account."""

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        user = self.request.user
        data = serializer.validated_data
        services.user_update_profile(
            user=user,
            full_name=data.get("full_name", user.full_name),
            phone=data.get("phone", user.phone),
            language=data.get("language", user.language),
        )


class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    """The district's incubators and maker spaces."""

    serializer_class = SiteSerializer
    filterset_class = SiteFilter

    def get_queryset(self):
        return sites_visible_to(self.request.user)
