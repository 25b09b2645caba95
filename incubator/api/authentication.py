"""Token authentication that reads the person and their roles in one query."""

from __future__ import annotations

import functools

from django.contrib.auth.models import Group
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from incubator import permissions, rows
from incubator.models import User

_PERSON_BY_KEY_SQL = """
SELECT {token}, {user}, g.name
FROM {token_table} t
JOIN {user_table} u ON u.id = t.user_id
LEFT JOIN {user_groups} ug ON ug.user_id = u.id
LEFT JOIN {group_table} g ON g.id = ug.group_id
WHERE t.key = %s
"""


@functools.cache
def _person_by_key_sql(vendor: str) -> str:
    return _PERSON_BY_KEY_SQL.format(
        token=rows.columns(Token, "t").sql,
        user=rows.columns(User, "u").sql,
        token_table=Token._meta.db_table,
        user_table=User._meta.db_table,
        user_groups=User.groups.through._meta.db_table,
        group_table=Group._meta.db_table,
    )


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's `Authorization: Token <key>`, with the same answers.

    Every API request of an integration authenticates this way and almost every one then
    asks for the person's roles (`incubator.permissions`): DRF's ORM lookup and the roles'
    query cost more than many a request's own work, so both are one hand-written query
    (a row per group) whose roles are kept on the user for the request.
    """

    def authenticate_credentials(self, key):
        token_columns, user_columns = rows.columns(Token, "t"), rows.columns(User, "u")
        sql = _person_by_key_sql(connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            found = cursor.fetchall()
        if not found:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = token_columns.load(found[0])
        user = user_columns.load(found[0], len(token_columns))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user = user
        permissions.remember_roles(user, (row[-1] for row in found if row[-1] is not None))
        return user, token
