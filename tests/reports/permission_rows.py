"""Permission-table rows of the reports app: the pages under /district/, the export admin and
the `reports` API.

Export A is of site A (the staff persona's site), requested by the superuser and done;
the district export is a scheduled one of every site. Makers find nothing here (404 in the
portal, 403 in the API); staff of site A do not see site B.
"""

from django.urls import reverse

from tests.permissions import AdminRow, Expect, Operation, Route

READS = Expect(anon=302, maker=404, staff=200, district=200, superuser=200)
REQUEST = Expect(anon=302, maker=404, staff=302, district=302, superuser=302)

API_READS = Expect(anon=401, maker=403, staff=200, district=200, superuser=200)
API_DISTRICT_EXPORT = Expect(anon=401, maker=403, staff=404, district=200, superuser=200)


def _export_body(objects: dict, persona: str) -> dict:
    return {"start": "2026-01-01", "end": "2026-01-31", "site": objects["site_a"].pk, "file_format": "csv"}


def _fresh_finished(objects: dict):
    from tests.reports.factories import make_export

    return make_export(done=True, site=objects["site_a"], requested_by=objects["superuser"])


def add_objects(objects: dict) -> None:
    from reports.choices import ExportKind
    from tests.reports.factories import make_export

    objects["export_a"] = make_export(done=True, site=objects["site_a"], requested_by=objects["superuser"])
    objects["export_district"] = make_export(done=True, kind=ExportKind.MONTHLY, site=None)


ROUTES = {
    "reports:dashboard": Route(READS),
    "reports:site_dashboard": Route(READS, url=lambda o: reverse("reports:site_dashboard", args=[o["site_a"].pk])),
    "reports:export_list": Route(READS),
    "reports:export_status": Route(READS, url=lambda o: reverse("reports:export_status", args=[o["export_a"].pk])),
    "reports:export_download": Route(READS, url=lambda o: reverse("reports:export_download", args=[o["export_a"].pk])),
    "reports:export_regenerate": Route(
        REQUEST, method="post", url=lambda o: reverse("reports:export_regenerate", args=[_fresh_finished(o).pk])
    ),
}

ADMIN_MODELS = {
    "reports.reportexport": AdminRow(200, 403, superuser_add=403, make=lambda o: o["export_a"]),
}

OPERATIONS = {
    "reports_list": Operation(API_READS, "/api/v1/reports/", "get"),
    "reports_create": Operation(
        Expect(anon=401, maker=403, staff=201, district=201, superuser=201),
        "/api/v1/reports/",
        "post",
        data=_export_body,
    ),
    "reports_retrieve": Operation(API_READS, lambda o: f"/api/v1/reports/{o['export_a'].pk}/", "get"),
    "reports_download_retrieve": Operation(API_READS, lambda o: f"/api/v1/reports/{o['export_a'].pk}/download/", "get"),
}
