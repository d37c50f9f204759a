"""examples/web_service.py against a real server on localhost, called with urllib."""

from __future__ import annotations

import http.client
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "examples"))
try:
    import web_service
finally:
    sys.path.pop(0)

BODY = {
    "policy": "seed_003_saas",
    "events": web_service.INCIDENT,
    "as_of": "2026-11-17T09:00:00-05:00",
}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The base URL of a server running on 127.0.0.1 for this module's tests."""
    with web_service.running() as url:
        yield url


def test_the_example_checks_itself(base: str):
    """The example's own checks pass against a running server."""
    web_service.exercise(base)


def test_evaluate_returns_the_evaluation_schema(base: str):
    """POST /evaluate returns exactly ``Evaluation.to_dict()`` for the incident."""
    status, result = web_service.call(f"{base}/evaluate", BODY)
    assert status == 200
    assert set(result) == {
        "as_of", "severity", "plan", "route", "targets", "tier", "next_tier", "escalations",
        "schedule", "next_change_at",
    }  # fmt: skip
    assert result["targets"]["response"]["due_at"] == "2026-11-17T08:40:00-05:00"


def test_every_problem_is_reported_with_its_path(base: str):
    """A timeline with two mistakes gets a 422 listing both key paths."""
    events = [
        {"type": "opened", "at": "2026-11-13T16:10:00-05:00", "severity": "alto"},
        {"type": "frobbed", "at": "2026-11-14T16:10:00-05:00"},
    ]
    status, error = web_service.call(f"{base}/evaluate", {**BODY, "events": events})
    assert status == 422
    paths = [p["path"] for p in error["problems"]]
    assert paths == ["events[0] (opened).severity", "events[1] (frobbed).type"]
    assert all(set(p) == {"path", "message", "hint"} for p in error["problems"])


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (b"{", 400),
        (b"\xff\xfe", 400),
        (b"null", 422),
        (json.dumps({**BODY, "as_of": 5}).encode(), 422),
        (json.dumps({**BODY, "events": [{"type": "opened"}]}).encode(), 422),
        (json.dumps({**BODY, "events": [{}] * 1001}).encode(), 422),
        (json.dumps({**BODY, "events": [1]}).encode(), 422),
    ],
)
def test_bad_bodies_get_a_4xx_never_a_500(base: str, payload: bytes, status: int):
    """Malformed bodies get the matching 4xx with a JSON list of problems."""
    code, error = web_service.call(f"{base}/evaluate", raw=payload)
    assert code == status
    assert error["problems"]


def test_missing_length_is_411(base: str):
    """A POST without Content-Length is refused with 411, not read forever."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.putrequest("POST", "/evaluate")
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 411
        assert json.loads(response.read())["problems"][0]["message"] == "send a Content-Length"
    finally:
        connection.close()


def test_a_huge_body_is_refused_unread(base: str):
    """A Content-Length far over the limit gets a 413 without the body being read."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.putrequest("POST", "/evaluate")
        connection.putheader("Content-Length", str(10**9))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
    finally:
        connection.close()


def test_post_elsewhere_is_404(base: str):
    """POST to an unknown path is a 404 with the path named."""
    status, error = web_service.call(f"{base}/evaluat", BODY)
    assert status == 404
    assert error["problems"][0]["path"] == "path"


def test_policy_endpoints(base: str):
    """GET lists policies, returns one in config form, and 404s a misspelt one with a hint."""
    status, names = web_service.call(f"{base}/policies")
    assert status == 200
    assert names == sorted(names)
    assert len(names) == 5
    status, error = web_service.call(f"{base}/policies/seed_003_sass")
    assert status == 404
    assert error["problems"][0]["hint"] == "did you mean 'seed_003_saas'?"


def test_the_server_only_listens_on_loopback(base: str):
    """The example binds 127.0.0.1, never a public interface."""
    assert base.startswith("http://127.0.0.1:")
