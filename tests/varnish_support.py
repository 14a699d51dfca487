"""A private Varnish in front of a local site, as a CDN or caching proxy would sit: it keeps
public pages for their Cache-Control max-age and honours `PURGE` with a Surrogate-Key header
(a ban of every object carrying one of the keys), as docs/scaling.md's VCL does."""

import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.redis_support import free_port

# The VCL of docs/scaling.md, with the backend filled in. It runs in stock Varnish (no vmod):
# the keys are joined into one regular expression for a ban on the objects' own header.
VCL = """vcl 4.1;
backend site { .host = "127.0.0.1"; .port = "%(backend)s"; }
acl purgers { "127.0.0.1"; }
sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) { return (synth(405, "Not allowed")); }
        if (req.http.Surrogate-Key) {
            ban("obj.http.Surrogate-Key ~ (^|\\s)(" +
                regsuball(req.http.Surrogate-Key, "\\s+", "|") + ")(\\s|$)");
            return (synth(200, "Banned"));
        }
        return (purge);
    }
}
sub vcl_backend_response {
    # Only what the site marks public is kept (the API sends no Cache-Control: Varnish's
    # default would keep it for 120 s, unpurged).
    if (beresp.http.Cache-Control !~ "public") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}
sub vcl_deliver {
    if (obj.hits > 0) { set resp.http.X-Cache = "HIT"; } else { set resp.http.X-Cache = "MISS"; }
}
"""


def available() -> bool:
    return shutil.which("varnishd") is not None or Path("/usr/sbin/varnishd").exists()


class Varnish:
    def __init__(self, backend_port: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="claimtrack-varnish-"))
        self.port = free_port()
        (self.folder / "site.vcl").write_text(VCL % {"backend": backend_port})
        self.process: subprocess.Popen | None = None

    def start(self) -> "Varnish":
        varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
        self.process = subprocess.Popen(
            [
                varnishd,
                "-F",
                "-j",
                "none",
                "-n",
                str(self.folder / "work"),
                "-a",
                f"127.0.0.1:{self.port}",
                "-f",
                str(self.folder / "site.vcl"),
                "-s",
                "malloc,32m",
                "-T",
                "none",
            ],  # fmt: skip
            stdout=(self.folder / "log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.get("/robots.txt")[0]:
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"varnishd did not start: {(self.folder / 'log').read_text()}")

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, dict, str]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, dict(answer.headers), answer.read().decode()
        except OSError:
            return 0, {}, ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.folder, ignore_errors=True)
