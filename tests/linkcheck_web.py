"""A local test web for the link checker: an aiohttp server in its own thread on 127.0.0.x.

It records every request it receives, so SSRF tests can assert that nothing reached it.
"""

import asyncio
import functools
import gzip
import random
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field

from aiohttp import web

PAGE = """<!doctype html><html><head><title>{title}</title></head>
<body><nav>Home | About | Contact</nav><main><h1>{title}</h1><p>{text}</p></main></body></html>"""

ARTICLE_TEXT = (
    "The ministry reported that the national budget for research grew by twelve percent in "
    "2024, with most of the increase going to universities in Hanoi and Ho Chi Minh City. "
    "Officials said the figures would be audited before the end of the year."
)


VOCABULARY = [
    "ministry",
    "budget",
    "research",
    "universities",
    "province",
    "figures",
    "audit",
    "growth",
    "export",
    "energy",
    "school",
    "health",
    "transport",
    "council",
    "survey",
    "official",
    "policy",
    "market",
    "prices",
    "farmers",
    "rice",
    "coffee",
    "port",
    "bridge",
    "railway",
    "airport",
    "hospital",
    "teachers",
    "students",
    "doctors",
    "workers",
    "salaries",
    "taxes",
    "bank",
    "loans",
    "inflation",
    "housing",
    "water",
    "power",
    "solar",
    "wind",
    "coal",
    "forest",
    "river",
    "flood",
    "storm",
    "drought",
]


def page(title: str, text: str = ARTICLE_TEXT) -> str:
    return PAGE.format(title=title, text=text)


def article(path: str) -> str:
    """A page whose text is its own: two different paths never look alike."""
    rng = random.Random(path)
    return page(f"Article {path}", " ".join(rng.choice(VOCABULARY) for _ in range(80)))


@dataclass
class Seen:
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    peer: tuple = ()  # the client's address and port: one per connection


class TestWeb:
    """One HTTP server; `url(path)` builds links to it; `seen` lists the requests it got."""

    __test__ = False  # not a test class

    def __init__(self, host: str = "127.0.0.1", *, soft_404: bool = False, ssl_context=None):
        self.host = host
        self.soft_404 = soft_404
        self.ssl_context = ssl_context
        self.archived: dict[str, str] = {}  # URL -> Wayback timestamp, for the fake archive
        self.articles = {"/news/2024/budget-report"}  # pages that exist outside /ok/
        self.seen: list[Seen] = []
        self.changing_version = 0
        self.slow_seconds = 5.0
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    # Server life cycle -------------------------------------------------------------------
    def start(self) -> "TestWeb":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        app = web.Application(middlewares=[self._record])
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0, backlog=1024, ssl_context=self.ssl_context)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def url(self, path: str = "/") -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [seen.path for seen in self.seen]

    @web.middleware
    async def _record(self, request: web.Request, handler):
        peer = request.transport.get_extra_info("peername") if request.transport else ()
        self.seen.append(Seen(request.method, request.path_qs, dict(request.headers), peer=peer))
        return await handler(request)

    # Pages --------------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path == "/wayback/available":
            return self._wayback(request)
        if self.soft_404:
            return web.Response(
                text=page("Page not found", "Sorry, we could not find that page."),
                content_type="text/html",
            )
        if path in ("/", "/ok") or path.startswith("/ok/"):
            return web.Response(text=article(path), content_type="text/html")
        if path in self.articles:
            return web.Response(text=article(path), content_type="text/html")
        segments = path.split("/")
        number = int(segments[2]) if len(segments) > 2 and segments[2].isdigit() else None
        if path.startswith("/status/") and number:
            code = number
            headers = {}
            if code == 429 or code == 503:
                headers["Retry-After"] = request.query.get("retry_after", "1")
            return web.Response(status=code, text=page(f"Error {code}", "Error."), headers=headers)
        if path.startswith("/redirect/") and number in (301, 302, 303, 307, 308):
            # /redirect/<code>?to=<url or path>
            raise {
                301: web.HTTPMovedPermanently,
                302: web.HTTPFound,
                303: web.HTTPSeeOther,
                307: web.HTTPTemporaryRedirect,
                308: web.HTTPPermanentRedirect,
            }[number](location=request.query.get("to", "/ok"))
        if path.startswith("/chain/") and number is not None:
            left = number
            if left <= 0:
                return web.Response(text=page("End of the chain"), content_type="text/html")
            raise web.HTTPFound(location=f"/chain/{left - 1}")
        if path == "/loop/a":
            raise web.HTTPFound(location="/loop/b")
        if path == "/loop/b":
            raise web.HTTPFound(location="/loop/a")
        if path == "/to-root":
            raise web.HTTPFound(location="/")
        if path == "/slow":
            await asyncio.sleep(self.slow_seconds)
            return web.Response(text=page("Slow"), content_type="text/html")
        if path == "/endless":
            response = web.StreamResponse(headers={"Content-Type": "text/html"})
            await response.prepare(request)
            chunk = b"<p>" + b"more " * 2000 + b"</p>"
            try:
                while True:
                    await response.write(chunk)
            except (ConnectionError, RuntimeError):
                return response
        if path == "/gzip-bomb":
            return web.Response(
                body=gzip_bomb(),
                headers={"Content-Encoding": "gzip", "Content-Type": "text/html"},
            )
        if path == "/cookie":
            response = web.HTTPFound(location="/ok/after-cookie")
            response.set_cookie("session", "secret-session-id")
            raise response
        if path == "/changing":
            if self.changing_version == 0:
                return web.Response(text=page("Budget report"), content_type="text/html")
            return web.Response(
                text=page(
                    "Budget report",
                    "This page has been replaced by a completely different story about the "
                    "weather, sport results and a cooking recipe with garlic and ginger.",
                ),
                content_type="text/html",
            )
        raise web.HTTPNotFound(text=page("Not found", "No such page."), content_type="text/html")

    def _wayback(self, request: web.Request) -> web.Response:
        """A stand-in for the Wayback Machine availability API."""
        url = request.query.get("url", "")
        timestamp = self.archived.get(url)
        if timestamp is None:
            return web.json_response({"url": url, "archived_snapshots": {}})
        return web.json_response(
            {
                "url": url,
                "archived_snapshots": {
                    "closest": {
                        "status": "200",
                        "available": True,
                        "url": f"http://web.archive.org/web/{timestamp}/{url}",
                        "timestamp": timestamp,
                    }
                },
            }
        )


@functools.cache
def gzip_bomb() -> bytes:
    """64 MB of zeros that travel as about 64 kB."""
    return gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=6)


def self_signed_context(tmp_path) -> ssl.SSLContext:
    """A server TLS context with a self-signed certificate no client trusts."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def refused_port() -> int:
    """A local port nothing listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
