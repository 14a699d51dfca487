"""Helpers for the ClaimReview exchange tests: ClaimReview objects as other organisations
publish them, and a local web server that serves given documents on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def claim_review(n: int = 1, **overrides) -> dict:
    """A valid ClaimReview by an invented organisation on an example domain."""
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://factcheck.example.org/reviews/{n}",
        "claimReviewed": f"The province exported {n} tonnes of coffee in 2024",
        "datePublished": "2024-06-01",
        "inLanguage": "en",
        "author": {
            "@type": "Organization",
            "name": "Example Checks",
            "url": "https://factcheck.example.org/",
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 2,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "Mostly false",
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "A Minister"},
            "appearance": [{"@type": "CreativeWork", "url": f"https://news.example.com/{n}"}],
        },
    }
    data.update(overrides)
    return data


def as_bytes(data) -> bytes:
    return json.dumps(data).encode()


def data_feed(items: list[dict]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "dateCreated": "2024-06-01", "item": [item]} for item in items
        ],
    }


class DocumentServer:
    """Serves `documents[path] = (content_type, body)` on 127.0.0.1, an ephemeral port."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[str, bytes]] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                kind, body = server.documents.get(self.path, ("text/plain", b""))
                self.send_response(200 if self.path in server.documents else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "DocumentServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"
