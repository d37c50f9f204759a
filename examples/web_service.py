"""escalate behind a small JSON HTTP API, with only the standard library's http.server.

Endpoints:

- ``GET /policies``: the names of the policies the service knows (the files in
  ``examples/policies/``, by file name without ``.toml``).
- ``GET /policies/NAME``: that policy in its config form (``Policy.to_dict()``).
- ``GET /policies/NAME/schema``: the JSON Schema that policy files follow.
- ``POST /evaluate``: ``{"policy": NAME, "events": [...], "as_of": ISO 8601}`` in,
  ``Evaluation.to_dict()`` out. ``as_of`` is required: the service has no implicit "now".

Every request gets an answer, and every answer is JSON. Bad input never gets a 500:
malformed JSON (or JSON nested too deeply, or with a number too long to read) is a 400,
an unknown policy or path a 404, another method a 405, a body over 64 KiB a 413, a
missing or malformed ``Content-Length`` a 411, and anything escalate rejects a 422 whose
``problems`` carry the key path of each mistake (``events[0] (opened).severity``), straight
from ``EscalateError.problems``. A bug (an exception escalate does not document) is a JSON
500 that keeps the server running. Policies are immutable and evaluation is a pure
function, so one policy object serves every request thread.

Run as a script without arguments, it starts the server on 127.0.0.1 with an ephemeral
port, calls it with urllib for good and bad requests, checks the answers and shuts down:
running it is a test. ``--serve`` starts it as a plain server instead, until Ctrl-C.

Run it with: python examples/web_service.py [--serve [--port 8080]]
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import socket
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
ALLOW = "GET, HEAD, OPTIONS, POST"
log = logging.getLogger("web_service")


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
    except EscalateError as error:  # every one has problems, each with a key path
        problems = [problem(p.path, p.message, p.hint) for p in error.problems]
        raise ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, problems) from None


class Handler(BaseHTTPRequestHandler):
    """The request handler; ``server.policies`` holds the loaded policies."""

    server: Server
    timeout = TIMEOUT
    protocol_version = "HTTP/1.1"
    # a request line too broken to name its version still gets a status line and headers
    default_request_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep the example's output quiet (a real service would log here)."""

    def send_json(self, status: HTTPStatus, data: object, *, body: bool = True) -> None:
        """Send a JSON response with its length (only the headers for HEAD)."""
        # a lone surrogate (valid in a JSON request, "\ud800") goes back escaped, as it came
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        payload = text.encode("utf-8", errors="backslashreplace")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        if status == HTTPStatus.METHOD_NOT_ALLOWED or self.command == "OPTIONS":
            self.send_header("Allow", ALLOW)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(payload)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer the standard library's own errors (a malformed request line, an unknown
        method, headers too long...) in JSON too, instead of its HTML page."""
        self.close_connection = True
        status = HTTPStatus(code)
        text = message or status.phrase
        self.send_json(
            status,
            {"error": status.phrase, "problems": [problem("", text, explain)]},
            body=self.command != "HEAD" and code >= 200 and code not in {204, 304},
        )

    def answer(self, work: Any, *, body: bool = True) -> None:
        """Run ``work()`` and send its result, or the error as a 4xx with its problems.

        Anything else ``work`` raises is a bug: it is logged and answered with a JSON 500,
        and the server goes on serving.
        """
        try:
            self.send_json(HTTPStatus.OK, work(), body=body)
        except ApiError as error:
            data = {"error": error.status.phrase, "problems": error.problems}
            self.send_json(error.status, data, body=body)
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client went away: nobody to answer
        except Exception:
            log.exception("unexpected error answering %s %s", self.command, self.path[:200])
            self.close_connection = True
            status = HTTPStatus.INTERNAL_SERVER_ERROR
            message = "an unexpected error; it has been logged"
            self.send_json(status, {"error": status.phrase, "problems": [problem("", message)]})

    def do_GET(self) -> None:
        """Serve the policy list, one policy, or the policy schema."""
        self.answer(self.get)

    def do_HEAD(self) -> None:
        """Answer as GET does, with the headers only."""
        self.answer(self.get, body=False)

    def do_OPTIONS(self) -> None:
        """Say which methods the service answers (also in the ``Allow`` header)."""
        self.answer(lambda: {"allow": ALLOW.split(", ")})

    def refuse_method(self) -> None:
        """Answer a method the service does not serve with a 405 naming the allowed ones."""
        self.close_connection = True  # a body may follow, which is not read
        status = HTTPStatus.METHOD_NOT_ALLOWED
        message = f"{self.command} is not served; use {ALLOW}"
        self.send_json(status, {"error": status.phrase, "problems": [problem("method", message)]})

    def __getattr__(self, name: str) -> Any:
        """Refuse every method but GET, HEAD, OPTIONS and POST (``do_PUT``, ``do_BREW``...)
        with a 405, where http.server would answer an HTML 501."""
        if name.startswith("do_"):
            return self.refuse_method
        raise AttributeError(name)

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
        # ASCII digits only: "²".isdigit() is true, and int() of it fails
        if length is None or not (length.isascii() and length.isdigit()):
            self.close_connection = True
            message = f"send a Content-Length of ASCII digits, got {length!r:.40}"
            raise ApiError(
                HTTPStatus.LENGTH_REQUIRED,
                [problem("", "send a Content-Length" if length is None else message)],
            )
        # more than 12 digits is surely too large; int() of over 4,300 digits fails
        size = int(length) if len(length) <= 12 else MAX_BODY * 1024
        if size > MAX_BODY:
            # read (and drop) a modestly oversized body so the client sees the 413 rather
            # than a reset connection; refuse to read a huge one at all
            if size <= 4 * MAX_BODY:
                self.rfile.read(size)
            self.close_connection = True
            raise ApiError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                [problem("", f"the body is {length:.20} bytes; the limit is {MAX_BODY}")],
            )
        return evaluate_request(self.server.policies, parse_json(self.rfile.read(size)))


def parse_json(raw: bytes) -> object:
    """Parse a request body; anything that is not plain JSON is a 400 saying why."""

    def no_constants(name: str) -> object:
        raise ValueError(f"{name} is not a JSON number")

    try:
        return json.loads(raw, parse_constant=no_constants)
    except RecursionError:
        why = "it is nested too deeply"
    except ValueError as error:  # also UnicodeDecodeError and an int of over 4,300 digits
        why = str(error)[:200]
    raise ApiError(HTTPStatus.BAD_REQUEST, [problem("", f"the body is not valid JSON: {why}")])


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


def call(
    url: str, body: object = None, *, raw: bytes | None = None, method: str | None = None
) -> tuple[int, Any]:
    """Send a request with urllib (POST when there is a body); return status and JSON."""
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is our own loopback server
        url, data=data, headers={"Content-Type": "application/json"}, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def send_raw(base: str, request: bytes) -> tuple[int, Any]:
    """Send bytes as they are (a malformed request urllib would refuse to send); return
    the status and the JSON body of the answer."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        reader = sock.makefile("rb")
        status = int(reader.readline().split()[1])
        length = 0
        while (line := reader.readline().strip()) != b"":
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, json.loads(reader.read(length))


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

    # what would once get no answer at all: every one is a JSON 4xx naming the problem
    huge = b'{"policy": "seed_003_saas", "as_of": ' + b"9" * 5000 + b"}"
    check("huge number", call(f"{base}/evaluate", raw=huge)[0], 400)
    check("deep nesting", call(f"{base}/evaluate", raw=b"[" * 1000 + b"]" * 1000)[0], 400)
    year_one = [{**INCIDENT[0], "at": "0001-01-01T00:00:00-05:00"}]
    status, error = call(f"{base}/evaluate", {**body, "events": year_one})
    check("year 1", (status, "horizon" in error["problems"][0]["message"]), (422, True))
    post = b"POST /evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: %s\r\n\r\n"
    check("length ²", send_raw(base, post % "²".encode())[0], 411)
    check("5,000 digits", send_raw(base, post % (b"9" * 5000))[0], 413)
    for method in ("PUT", "DELETE", "PATCH"):
        status, error = call(f"{base}/evaluate", body, method=method)
        check(method, (status, error["problems"][0]["path"]), (405, "method"))
    check("OPTIONS", call(f"{base}/evaluate", method="OPTIONS")[1]["allow"][0], "GET")
    status, error = send_raw(base, b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")
    check("unknown method", (status, error["problems"][0]["path"]), (405, "method"))
    check("still serving", call(f"{base}/policies")[0], 200)


def serve(port: int) -> None:
    """Serve on 127.0.0.1:``port`` until interrupted (Ctrl-C)."""
    logging.basicConfig(level=logging.INFO)
    with Server(("127.0.0.1", port), load_policies()) as server:
        host, bound = server.server_address[:2]
        print(f"serving on http://{host!s}:{bound} (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped")


def main(argv: list[str] | None = None) -> None:
    """Self-check (no arguments), or serve with ``--serve [--port N]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--serve", action="store_true", help="serve until Ctrl-C")
    parser.add_argument("--port", type=int, default=8080, help="port for --serve (8080)")
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.port)
        return
    with running() as base:
        print("serving on", base)
        exercise(base)
    print("All checks passed.")


if __name__ == "__main__":
    main()
