"""escalate behind a small JSON HTTP API, with only the standard library's http.server.

Endpoints:

- ``GET /policies``: the names of the policies the service knows (the files in
  ``examples/policies/``, by file name without ``.toml``).
- ``GET /policies/NAME``: that policy in its config form (``Policy.to_dict()``).
- ``GET /policies/NAME/schema``: the JSON Schema that policy files follow.
- ``POST /evaluate``: ``{"policy": NAME, "events": [...], "as_of": ISO 8601}`` in,
  ``Evaluation.to_dict()`` out. ``as_of`` is required: the service has no implicit "now".

Bad input never gets a 500: malformed JSON is a 400, an unknown policy a 404, a body over
64 KiB a 413, and anything escalate rejects a 422 whose ``problems`` carry the key path of
each mistake (``events[0] (opened).severity``), straight from ``ConfigError.problems``.
Policies are immutable and evaluation is a pure function, so one policy object serves
every request thread.

Run as a script, it starts the server on 127.0.0.1 with an ephemeral port, calls it with
urllib for good and bad requests, checks the answers and shuts down: running it is a test.

Run it with: python examples/web_service.py
"""

from __future__ import annotations

import difflib
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from escalate import (
    ConfigError,
    EscalateError,
    Policy,
    Timeline,
    evaluate,
    load_policy,
    policy_schema,
)

POLICY_DIR = Path(__file__).parent / "policies"
MAX_BODY = 64 * 1024  # bytes; larger bodies get a 413 before being read
MAX_EVENTS = 1_000
TIMEOUT = 5.0  # seconds a connection may stay silent


class ApiError(Exception):
    """An error with its HTTP status and the problems to report, each with a key path."""

    def __init__(self, status: HTTPStatus, problems: list[dict[str, Any]]) -> None:
        super().__init__(problems[0]["message"])
        self.status = status
        self.problems = problems


def problem(path: str, message: str, hint: str | None = None) -> dict[str, Any]:
    """One problem in the response body: the same shape as ``escalate.Problem``."""
    return {"path": path, "message": message, "hint": hint}


def did_you_mean(name: str, choices: Mapping[str, object]) -> str | None:
    """A "did you mean" hint for a misspelt name, or ``None``."""
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"did you mean {close[0]!r}?" if close else None


def load_policies(folder: Path = POLICY_DIR) -> dict[str, Policy]:
    """Load every policy file of a folder once, at start-up, keyed by file name."""
    return {path.stem: load_policy(path) for path in sorted(folder.glob("*.toml"))}


def evaluate_request(policies: Mapping[str, Policy], body: object) -> dict[str, Any]:
    """Answer ``POST /evaluate``: validate the request, evaluate, return ``to_dict()``."""
    if not isinstance(body, dict):
        raise ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, [problem("", "expected a JSON object")])
    unknown = sorted(set(body) - {"policy", "events", "as_of"})
    if unknown:
        raise ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            [
                problem(key, f"unknown key {key!r}", "use policy, events and as_of")
                for key in unknown
            ],
        )
    name = body.get("policy")
    if not isinstance(name, str) or name not in policies:
        hint = did_you_mean(str(name), policies) or "GET /policies lists them"
        raise ApiError(HTTPStatus.NOT_FOUND, [problem("policy", f"unknown policy {name!r}", hint)])
    events = body.get("events")
    if isinstance(events, list) and len(events) > MAX_EVENTS:
        raise ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            [problem("events", f"at most {MAX_EVENTS} events per request, got {len(events)}")],
        )
    raw_as_of = body.get("as_of")
    try:
        as_of = datetime.fromisoformat(raw_as_of) if isinstance(raw_as_of, str) else None
    except ValueError:
        as_of = None
    if as_of is None or as_of.tzinfo is None:
        raise ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            [
                problem(
                    "as_of",
                    f"expected an ISO 8601 instant with a UTC offset, got {raw_as_of!r}",
                    "write e.g. 2026-11-18T11:00:00-05:00",
                )
            ],
        )
    try:
        timeline = Timeline.from_events(events if events is not None else [])
        return evaluate(policies[name], timeline, as_of=as_of).to_dict()
    except ConfigError as error:
        problems = [problem(p.path, p.message, p.hint) for p in error.problems]
        raise ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, problems) from None
    except EscalateError as error:  # e.g. a naive instant inside an event
        raise ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, [problem("events", str(error))]) from None


class Handler(BaseHTTPRequestHandler):
    """The request handler; ``server.policies`` holds the loaded policies."""

    server: Server
    timeout = TIMEOUT
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep the example's output quiet (a real service would log here)."""

    def send_json(self, status: HTTPStatus, data: object) -> None:
        """Send a JSON response with its length."""
        payload = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def answer(self, work: Any) -> None:
        """Run ``work()`` and send its result, or the error as a 4xx with its problems."""
        try:
            self.send_json(HTTPStatus.OK, work())
        except ApiError as error:
            self.send_json(error.status, {"error": error.status.phrase, "problems": error.problems})

    def do_GET(self) -> None:
        """Serve the policy list, one policy, or the policy schema."""
        self.answer(self.get)

    def get(self) -> object:
        """The body of a GET request."""
        policies = self.server.policies
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if parts == ["policies"]:
            return sorted(policies)
        if len(parts) in {2, 3} and parts[0] == "policies":
            if parts[1] not in policies:
                hint = did_you_mean(parts[1], policies) or "GET /policies lists them"
                raise ApiError(
                    HTTPStatus.NOT_FOUND, [problem("policy", f"unknown policy {parts[1]!r}", hint)]
                )
            if len(parts) == 2:
                return policies[parts[1]].to_dict()
            if parts[2] == "schema":
                return policy_schema()
        raise ApiError(HTTPStatus.NOT_FOUND, [problem("path", f"no resource at {self.path!r}")])

    def do_POST(self) -> None:
        """Serve ``POST /evaluate``."""
        self.answer(self.post)

    def post(self) -> object:
        """The body of a POST request."""
        if self.path != "/evaluate":
            self.close_connection = True
            raise ApiError(HTTPStatus.NOT_FOUND, [problem("path", f"no resource at {self.path!r}")])
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            raise ApiError(HTTPStatus.LENGTH_REQUIRED, [problem("", "send a Content-Length")])
        if int(length) > MAX_BODY:
            # read (and drop) a modestly oversized body so the client sees the 413 rather
            # than a reset connection; refuse to read a huge one at all
            if int(length) <= 4 * MAX_BODY:
                self.rfile.read(int(length))
            self.close_connection = True
            raise ApiError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                [problem("", f"the body is {length} bytes; the limit is {MAX_BODY}")],
            )
        raw = self.rfile.read(int(length))
        try:
            body = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ApiError(
                HTTPStatus.BAD_REQUEST, [problem("", f"the body is not valid JSON: {error}")]
            ) from None
        return evaluate_request(self.server.policies, body)


class Server(ThreadingHTTPServer):
    """A threading HTTP server that carries the loaded policies."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], policies: Mapping[str, Policy]) -> None:
        super().__init__(address, Handler)
        self.policies = policies


@contextmanager
def running(policies: Mapping[str, Policy] | None = None) -> Iterator[str]:
    """Serve on 127.0.0.1 with an ephemeral port in a thread; yield the base URL."""
    server = Server(("127.0.0.1", 0), load_policies() if policies is None else policies)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=TIMEOUT)


def call(url: str, body: object = None, *, raw: bytes | None = None) -> tuple[int, Any]:
    """Send a request with urllib (POST when there is a body); return status and JSON."""
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is our own loopback server
        url, data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


INCIDENT = [
    {
        "type": "opened",
        "at": "2026-11-13T16:10:00-05:00",
        "severity": "alta",
        "category": "billing",
    },
    {"type": "responded", "at": "2026-11-17T08:00:00-05:00"},
]


def check(label: str, got: object, expected: object) -> None:
    """Fail loudly when a value is wrong."""
    if got != expected:
        raise AssertionError(f"{label}: expected {expected!r}, got {got!r}")


def exercise(base: str) -> None:
    """Call every endpoint with good and bad input and check the answers."""
    status, names = call(f"{base}/policies")
    check("list", (status, "seed_003_saas" in names), (200, True))
    status, schema = call(f"{base}/policies/seed_003_saas/schema")
    check("schema", (status, schema["type"]), (200, "object"))
    status, config = call(f"{base}/policies/seed_003_saas")
    check("policy", (status, config["name"]), (200, "saas"))

    body = {"policy": "seed_003_saas", "events": INCIDENT, "as_of": "2026-11-17T09:00:00-05:00"}
    status, result = call(f"{base}/evaluate", body)
    check("evaluate status", status, 200)
    check("response", result["targets"]["response"]["status"], "met")
    check("due", result["targets"]["resolution"]["due_at"], "2026-11-17T15:40:00-05:00")
    check("tier", result["tier"]["name"], "Support desk")
    print("POST /evaluate ->", status, result["targets"]["resolution"])

    bad_severity = [{**INCIDENT[0], "severity": "alto"}]
    status, error = call(f"{base}/evaluate", {**body, "events": bad_severity})
    check("bad severity status", status, 422)
    check("bad severity path", error["problems"][0]["path"], "events[0] (opened).severity")
    check("bad severity hint", error["problems"][0]["hint"], "did you mean 'alta'?")
    print("bad severity ->", status, error["problems"][0])

    out_of_order = [INCIDENT[1], INCIDENT[0]]
    status, error = call(f"{base}/evaluate", {**body, "events": out_of_order})
    check("out of order", (status, error["problems"][0]["path"].startswith("events[")), (422, True))

    cases = [
        ({**body, "policy": "seed_003_sass"}, 404, "policy"),
        ({**body, "as_of": "2026-11-17T09:00:00"}, 422, "as_of"),
        ({**body, "when": "now"}, 422, "when"),
        ({**body, "events": "opened"}, 422, "events"),
        ([1, 2], 422, ""),
    ]
    for request, expected_status, path in cases:
        status, error = call(f"{base}/evaluate", request)
        check(f"{request!r:.40}", (status, error["problems"][0]["path"]), (expected_status, path))
    check("not JSON", call(f"{base}/evaluate", raw=b"{not json")[0], 400)
    check("too large", call(f"{base}/evaluate", raw=b" " * (MAX_BODY + 1))[0], 413)
    check("unknown path", call(f"{base}/nothing")[0], 404)
    check("unknown policy", call(f"{base}/policies/nope/schema")[0], 404)


def main() -> None:
    """Start the server on a free loopback port, exercise it, and stop it."""
    with running() as base:
        print("serving on", base)
        exercise(base)
    print("All checks passed.")


if __name__ == "__main__":
    main()
