"""examples/web_service.py against a real server on localhost, called with urllib."""

from __future__ import annotations

import http.client
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from tests.fuzzing import fuzz_settings
from tests.strategies import bad_http_requests

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


@contextmanager
def connected(base: str) -> Iterator[http.client.HTTPConnection]:
    """An HTTP connection to the test server, closed afterwards."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        yield connection
    finally:
        connection.close()


def test_missing_length_is_411(base: str):
    """A POST without Content-Length is refused with 411, not read forever."""
    with connected(base) as connection:
        connection.putrequest("POST", "/evaluate")
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 411
        assert json.loads(response.read())["problems"][0]["message"] == "send a Content-Length"


def test_a_huge_body_is_refused_unread(base: str):
    """A Content-Length far over the limit gets a 413 without the body being read."""
    with connected(base) as connection:
        connection.putrequest("POST", "/evaluate")
        connection.putheader("Content-Length", str(10**9))
        connection.endheaders()
        assert connection.getresponse().status == 413


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
    assert len(names) == 6  # the five seeds and the ServiceNow desk
    status, error = web_service.call(f"{base}/policies/seed_003_sass")
    assert status == 404
    assert error["problems"][0]["hint"] == "did you mean 'seed_003_saas'?"


def test_the_server_only_listens_on_loopback(base: str):
    """The example binds 127.0.0.1, never a public interface."""
    assert base.startswith("http://127.0.0.1:")


# -- never drop a request -------------------------------------------------------------------

POST = "POST /evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"


def raw(base: str, request: bytes) -> tuple[int, Any]:
    """Send bytes as they are over a socket; return the status and the parsed JSON body."""
    return web_service.send_raw(base, request)


def post_raw(body: bytes, length: str | None = None) -> bytes:
    """A POST /evaluate request with ``body`` and its Content-Length (or the one given)."""
    size = str(len(body)) if length is None else length
    return f"{POST}Content-Length: {size}\r\n\r\n".encode() + body


@pytest.mark.parametrize(
    ("request_bytes", "status", "words"),
    [
        (post_raw(b'{"as_of": ' + b"9" * 5000 + b"}"), 400, "not valid JSON"),
        (post_raw(b"[" * 1000 + b"]" * 1000), 400, "nested too deeply"),
        (post_raw(b'{"a": NaN}'), 400, "NaN is not a JSON number"),
        (post_raw(b'{"policy": "seed_003_saas", "\\ud800": 1}'), 422, r"unknown key '\ud800'"),
        (post_raw(b'{"policy": "seed_003_saas", "as_of": "2026-11-20T16:10:00-05:00", "events": '
                  b'[{"type": "opened", "at": "2026-11-20T16:10:00-05:00", "severity": "alta"}, '
                  b'{"type": "\\udc00x", "at": "2026-11-20T16:10:00-05:00"}]}'),
         422, "unknown event type"),
        (post_raw(b"", "\u00b2".encode().decode("latin-1")), 411, "ASCII digits"),
        (post_raw(b"", "9" * 5000), 413, "the limit is"),
        (post_raw(b"", "-5"), 411, "ASCII digits"),
        (b"PUT /evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", 405, "PUT"),
        (b"DELETE /policies HTTP/1.1\r\nHost: x\r\n\r\n", 405, "DELETE"),
        (b"PATCH /evaluate HTTP/1.1\r\nHost: x\r\n\r\n", 405, "PATCH"),
        (b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 405, "BREW"),
        (b"GARBAGE\r\n\r\n", 400, "Bad request"),
        (b"GET /policies HTTP/1.1\r\n" + b"X: y\r\n" * 120 + b"\r\n", 431, "Too many headers"),
    ],
    ids=["huge-int", "deep", "nan", "surrogate-key", "surrogate-type", "length-2", "length-5000-digits", "length-negative",
         "put", "delete", "patch", "unknown-method", "bad-line", "many-headers"],
)  # fmt: skip
def test_what_once_got_no_answer_gets_a_json_4xx(
    base: str, request_bytes: bytes, status: int, words: str
):
    """Requests that killed the request thread, or got HTML, get a JSON 4xx naming why."""
    code, error = raw(base, request_bytes)
    assert code == status
    assert words in error["problems"][0]["message"]
    assert web_service.call(f"{base}/policies")[0] == 200  # and the server goes on


def test_an_event_in_year_one_is_a_422_naming_the_horizon(base: str):
    """An instant the horizon cannot hold is a client error with its field."""
    events = [{**web_service.INCIDENT[0], "at": "0001-01-01T00:00:00+05:00"}]
    status, error = web_service.call(f"{base}/evaluate", {**BODY, "events": events})
    assert status == 422
    assert "beyond the supported horizon" in error["problems"][0]["message"]


def test_options_lists_the_methods(base: str):
    """OPTIONS answers 200 with the allowed methods, in the body and the Allow header."""
    with connected(base) as connection:
        connection.request("OPTIONS", "/evaluate")
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Allow") == "GET, HEAD, OPTIONS, POST"
        assert json.loads(response.read()) == {"allow": ["GET", "HEAD", "OPTIONS", "POST"]}


def test_head_sends_the_headers_of_get_only(base: str):
    """HEAD answers as GET does, with its Content-Length and no body."""
    with connected(base) as connection:
        connection.request("HEAD", "/policies")
        response = connection.getresponse()
        assert response.status == 200
        assert int(response.getheader("Content-Length")) > 2
        assert response.read() == b""


def test_an_unexpected_exception_is_a_json_500_and_the_server_goes_on(
    base: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    """A bug (an exception escalate does not document) is logged and answered with a 500."""

    def broken(policies: object, body: object) -> object:
        raise ZeroDivisionError

    monkeypatch.setattr(web_service, "evaluate_request", broken)
    status, error = web_service.call(f"{base}/evaluate", BODY)
    assert status == 500
    assert error["problems"][0]["message"] == "an unexpected error; it has been logged"
    assert "ZeroDivisionError" in caplog.text
    monkeypatch.undo()
    assert web_service.call(f"{base}/evaluate", BODY)[0] == 200


@fuzz_settings(examples=60)
@given(request_bytes=bad_http_requests(BODY))
def test_generated_bad_requests_get_a_json_4xx_over_real_http(base: str, request_bytes: bytes):
    """Junk methods, lengths, bodies and fields, sent over 127.0.0.1, all get a JSON 4xx."""
    status, error = raw(base, request_bytes)
    assert 400 <= status < 500, (status, error)
    assert error["problems"]
    assert all(set(p) == {"path", "message", "hint"} for p in error["problems"])


def test_the_server_survives_the_fuzzing(base: str):
    """After every test above, the server still answers a good request."""
    assert web_service.call(f"{base}/evaluate", BODY)[0] == 200


def test_serve_runs_a_plain_server(monkeypatch: pytest.MonkeyPatch, capsys):
    """``--serve --port N`` serves on 127.0.0.1:N until interrupted."""
    served: list[tuple[str, int]] = []

    def stop(self: web_service.Server, poll_interval: float = 0.5) -> None:
        served.append(self.server_address[:2])
        raise KeyboardInterrupt

    monkeypatch.setattr(web_service.Server, "serve_forever", stop)
    web_service.main(["--serve", "--port", "0"])
    assert served[0][0] == "127.0.0.1"
    out = capsys.readouterr().out
    assert "serving on http://127.0.0.1:" in out
    assert "stopped" in out
