"""The production URLs plus `POST /bench/insert/`: a bare Django view that does one INSERT.

It runs through the same middleware as every other request and writes one row into
`bench_insert`, a table the benchmark creates; the booking endpoint is measured against it.
"""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import *  # noqa: F403
from config.urls import urlpatterns as production_urlpatterns


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_insert (created_at, payload) VALUES (%s, %s)",
            [timezone.now(), request.body[:300].decode("utf-8", "replace")],
        )
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bench/insert/", bare_insert, name="bench-insert"), *production_urlpatterns]
