"""The API's rate limits: a counter per client and fixed window."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIRequestFactory

from incubator.api.throttling import AnonRateThrottle, UserRateThrottle


@pytest.fixture
def clock(monkeypatch):
    now = [1_800_000_000.0]  # on a minute's boundary
    for throttle in (UserRateThrottle, AnonRateThrottle):
        monkeypatch.setattr(throttle, "timer", lambda self: now[0])
    return now


@pytest.fixture
def rates(monkeypatch):
    def set_rates(**rates):
        for throttle in (UserRateThrottle, AnonRateThrottle):
            monkeypatch.setattr(throttle, "THROTTLE_RATES", {**throttle.THROTTLE_RATES, **rates})

    return set_rates


@pytest.mark.django_db
def test_a_person_past_the_rate_is_refused_until_the_next_window(api_client_for, maker_a, clock, rates):
    rates(user="3/minute")
    client = api_client_for(maker_a)
    assert [client.get("/api/v1/users/me/").status_code for _ in range(3)] == [200] * 3
    clock[0] += 20
    refused = client.get("/api/v1/users/me/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert refused["Retry-After"] == "40"
    clock[0] += 39
    assert client.get("/api/v1/users/me/").status_code == 429
    clock[0] += 1  # the next minute
    assert [client.get("/api/v1/users/me/").status_code for _ in range(3)] == [200] * 3
    assert client.get("/api/v1/users/me/").status_code == 429


@pytest.mark.django_db
def test_each_person_has_their_own_count(api_client_for, maker_a, maker_b, clock, rates):
    rates(user="2/minute")
    first, second = api_client_for(maker_a), api_client_for(maker_b)
    assert [first.get("/api/v1/users/me/").status_code for _ in range(3)] == [200, 200, 429]
    assert [second.get("/api/v1/users/me/").status_code for _ in range(2)] == [200, 200]


@pytest.mark.django_db
def test_anonymous_clients_are_counted_by_address(clock, rates):
    rates(anon="2/minute")
    factory = APIRequestFactory()

    def allowed(address: str) -> bool:
        request = factory.get("/api/v1/", REMOTE_ADDR=address)
        request.user = type("Anonymous", (), {"is_authenticated": False})()
        return AnonRateThrottle().allow_request(request, None)

    assert [allowed("192.0.2.1") for _ in range(3)] == [True, True, False]
    assert allowed("192.0.2.2") is True


def test_a_counter_lost_between_two_requests_starts_again(clock, rates):
    rates(user="2/minute")
    factory = APIRequestFactory()
    request = factory.get("/api/v1/")
    request.user = type("Person", (), {"is_authenticated": True, "pk": 42})()
    assert UserRateThrottle().allow_request(request, None) is True
    cache.clear()  # evicted, or the cache restarted
    assert [UserRateThrottle().allow_request(request, None) for _ in range(3)] == [True, True, False]


def test_a_view_without_a_rate_is_not_counted(clock, rates):
    rates(user=None)
    request = APIRequestFactory().get("/api/v1/")
    request.user = type("Person", (), {"is_authenticated": True, "pk": 42})()
    assert all(UserRateThrottle().allow_request(request, None) for _ in range(10))
    assert cache.get(f"throttle_user_42:{int(clock[0] // 60)}") is None


@pytest.mark.django_db
def test_the_count_starts_again_with_each_window(api_client_for, maker_a, clock, rates):
    rates(user="3/minute")
    client = api_client_for(maker_a)
    clock[0] += 50
    assert [client.get("/api/v1/users/me/").status_code for _ in range(4)] == [200, 200, 200, 429]
    clock[0] += 10  # a new minute, though the three were less than a minute ago
    assert client.get("/api/v1/users/me/").status_code == 200
