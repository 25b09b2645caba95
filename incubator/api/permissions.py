"""Permission classes that the apps' APIs combine."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from incubator import permissions


class DistrictReadsOnly(BasePermission):
    """Signed in; and the district committee reads everything and writes nothing."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if permissions.is_district(request.user) and not permissions.is_centre_staff(request.user):
            return request.method in SAFE_METHODS
        return True


class IsCentreStaff(BasePermission):
    def has_permission(self, request, view):
        return permissions.is_centre_staff(request.user)


class IsCentreStaffOrDistrictReading(BasePermission):
    def has_permission(self, request, view):
        if permissions.is_centre_staff(request.user):
            return True
        return permissions.is_district(request.user) and request.method in SAFE_METHODS
