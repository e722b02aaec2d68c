"""What a signed-in token may do: read always; change only with a read-write token."""

from rest_framework import permissions

from accounts import access as accounts_access

from . import access


class TokenScopePermission(permissions.BasePermission):
    message = (
        "This token is read-only. Create a read-and-write token to make changes through the API."
    )

    def has_permission(self, request, view):
        if not accounts_access.is_active_person(request.user):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return access.token_may_write(request.auth)
