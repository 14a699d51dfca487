"""Link checker benchmark: Claimtrack's checker against LinkChecker and lychee on one local web.

    python bench/linkcheck.py [--urls 10000] [--hosts 50] [--tools ours,lychee,linkchecker]

A separate process serves a test web on many hosts (127.0.0.20, .21, …, one port), with a mix
of pages: 200s, 301/302 redirects, 404, 410 and 500. Each tool then checks the same URLs, end
to end (ours through `manage.py check_links`, results recorded in a fresh SQLite database), with
politeness off, as a child process whose wall time, CPU time and peak memory are measured.
Every run is bounded by --timeout. Results go to stdout as a Markdown table (bench/README.md
keeps the latest). Not part of the test suite.
"""

import argparse
import asyncio
import csv
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PORT = 18080
WORDS = [
    "budget",
    "ministry",
    "report",
    "growth",
    "province",
    "data",
    "survey",
    "policy",
    "official",
    "research",
    "university",
    "market",
    "export",
    "energy",
    "health",
    "school",
    "transport",
    "council",
    "figure",
    "percent",
]


# The test web ------------------------------------------------------------------------------


def _bodies() -> list[str]:
    """64 article bodies (about 10 kB of HTML each), made once: the server must stay cheap so
    the benchmark measures the checkers, not the test web."""
    bodies = []
    for variant in range(64):
        rng = random.Random(variant)
        paragraphs = "".join(
            "<p>" + " ".join(rng.choice(WORDS) for _ in range(80)) + "</p>" for _ in range(12)
        )
        links = "".join(f'<a href="/page/{rng.randrange(10**6)}">more</a> ' for _ in range(20))
        bodies.append(f"<nav>{links}</nav><main>{{h1}}{paragraphs}</main><footer>Test</footer>")
    return bodies


BODIES = _bodies()


def page_for(path: str) -> str:
    body = BODIES[zlib.crc32(path.encode()) % len(BODIES)].replace("{h1}", f"<h1>{path}</h1>")
    return f"<!doctype html><html><head><title>{path}</title></head><body>{body}</body></html>"


def serve(hosts: int) -> None:
    from aiohttp import web

    async def handle(request: web.Request) -> web.StreamResponse:
        kind, _, rest = request.path.strip("/").partition("/")
        headers = {"LinkChecker": "benchmark"}  # lets LinkChecker go above 10 requests/s
        if kind == "page" and rest.isdigit():
            return web.Response(
                text=page_for(request.path), content_type="text/html", headers=headers
            )
        if kind == "moved":
            raise web.HTTPMovedPermanently(location=f"/page/{rest}", headers=headers)
        if kind == "temp":
            raise web.HTTPFound(location=f"/page/{rest}", headers=headers)
        if kind == "gone":
            raise web.HTTPGone(headers=headers)
        if kind == "error":
            raise web.HTTPInternalServerError(headers=headers)
        raise web.HTTPNotFound(headers=headers)

    async def main() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for n in range(hosts):
            await web.TCPSite(runner, host_ip(n), PORT, backlog=4096).start()
        print("serving", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


def host_ip(n: int) -> str:
    return f"127.0.{n // 200}.{20 + n % 200}"


def make_urls(count: int, hosts: int) -> list[str]:
    """A fixed mix: 80% pages, 6% permanent and 4% temporary redirects, 6% 404, 2% 410,
    2% 500, spread evenly over the hosts."""
    kinds = ["page"] * 80 + ["moved"] * 6 + ["temp"] * 4 + ["missing"] * 6 + ["gone"] * 2
    kinds += ["error"] * 2
    return [f"http://{host_ip(n % hosts)}:{PORT}/{kinds[n % 100]}/{n}" for n in range(count)]


# Measuring a child process -------------------------------------------------------------------


def measure(cmd: list[str], *, env=None, timeout: float, stdin=None, cwd=None) -> dict:
    started = time.monotonic()
    process = subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    if stdin is not None:
        process.stdin.write(stdin.encode())
        process.stdin.close()
    out_chunks: list[bytes] = []
    timed_out = False
    deadline = started + timeout
    # Drain stdout/stderr in the background so a chatty tool cannot block on a full pipe.
    import threading

    def drain(stream, sink):
        for chunk in iter(lambda: stream.read(65536), b""):
            sink.append(chunk)

    err_chunks: list[bytes] = []
    readers = [
        threading.Thread(target=drain, args=(process.stdout, out_chunks), daemon=True),
        threading.Thread(target=drain, args=(process.stderr, err_chunks), daemon=True),
    ]
    for reader in readers:
        reader.start()
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            os.killpg(process.pid, 9)
            timed_out = True
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join(5)
    return {
        "wall": time.monotonic() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "timed_out": timed_out,
        "returncode": process.returncode,
        "stdout": b"".join(out_chunks).decode(errors="replace"),
        "stderr": b"".join(err_chunks).decode(errors="replace"),
    }


# The tools ---------------------------------------------------------------------------------


def run_ours(urls: list[str], args, workdir: Path) -> list[dict]:
    """First checks of every URL, then a recheck of the same links (the steady state: pages
    unchanged since the last check need no text fingerprint and no soft-404 probe)."""
    python = args.python
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "LINKCHECK_ALLOWED_PRIVATE_NETWORKS": "127.0.0.0/8",
        "LINKCHECK_PER_HOST_CONCURRENCY": "0",
        "LINKCHECK_PER_HOST_INTERVAL_MS": "0",
        "ARCHIVE_AVAILABILITY_URL": "http://127.0.0.1:9/none",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=PROJECT, env=env, check=True)
    (workdir / "urls.json").write_text(json.dumps(urls))
    load = (
        "import json, django; django.setup()\n"
        "from django.utils import timezone\n"
        "from sources.models import Link\n"
        "from sources.linkcheck.normalize import normalize_url\n"
        "from urllib.parse import urlsplit\n"
        f"urls = json.load(open({str(workdir / 'urls.json')!r}))\n"
        "now = timezone.now()\n"
        "Link.objects.bulk_create([Link(url=normalize_url(u), host=urlsplit(u).hostname,"
        " next_check_at=now) for u in urls], batch_size=1000)\n"
    )
    subprocess.run(
        [python, "-c", load],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        check=True,
    )
    command = [
        python, "manage.py", "check_links", "--all", "--no-politeness", "--no-progress",
        "--no-archives", "--concurrency", str(args.concurrency), "--batch", "1000",
    ]  # fmt: skip
    first = measure(command, env=env, cwd=PROJECT, timeout=args.timeout)
    _count_ours(first, python, env)
    again = measure(command, env=env, cwd=PROJECT, timeout=args.timeout)
    _count_ours(again, python, env)
    again["checked"] -= first["checked"]
    again["tool"] = "ours-recheck"
    return [first, again]


def _count_ours(result: dict, python: str, env: dict) -> None:
    count = (
        "import django; django.setup()\n"
        "from collections import Counter\n"
        "from sources.models import Link, LinkCheck\n"
        "print(LinkCheck.objects.count())\n"
        "print(dict(Counter(Link.objects.values_list('status', flat=True))))\n"
    )
    rows = subprocess.run(
        [python, "-c", count],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    result["checked"] = int(rows[0])
    result["statuses"] = rows[1]


def run_lychee(urls: list[str], args, workdir: Path) -> dict:
    lychee = shutil.which("lychee") or str(Path(sys.executable).parent / "lychee")
    url_file = workdir / "urls.txt"
    url_file.write_text("\n".join(urls) + "\n")
    output = workdir / "lychee.json"
    result = measure(
        [
            lychee, "--no-progress", "--format", "json", "--output", str(output),
            "--max-concurrency", str(args.concurrency), "--host-concurrency", "1000",
            "--host-request-interval", "0ms", "--max-retries", "0", "--timeout", "20",
            "--accept", "200..=299", str(url_file),
        ],
        timeout=args.timeout,
    )  # fmt: skip
    try:
        report = json.loads(output.read_text())
        result["checked"] = int(report.get("total", 0))
        result["statuses"] = {
            key: report.get(key) for key in ("successful", "errors", "redirects", "timeouts")
        }
    except (OSError, ValueError):
        result["checked"] = 0
        result["statuses"] = result["stderr"][-300:]
    return result


def run_linkchecker(urls: list[str], args, workdir: Path) -> dict:
    # LinkChecker drops root privileges to "nobody", who must be able to write its output.
    workdir.chmod(0o777)
    config = workdir / "linkcheckerrc"
    config.write_text(
        "[checking]\n"
        f"threads={args.concurrency}\n"
        "timeout=20\n"
        "maxrequestspersecond=100000\n"
        "recursionlevel=0\n"
        "[output]\n"
        "status=0\n"
        "[filtering]\n"
        "checkextern=1\n"
    )
    config.chmod(0o644)
    output = workdir / "linkchecker.csv"
    result = measure(
        [
            "linkchecker", "--config", str(config), "--recursion-level", "0", "--no-status",
            "--output", "none", "--file-output", f"csv/utf-8/{output}", "--check-extern",
            "--verbose", "--stdin",
        ],
        stdin="\n".join(urls) + "\n",
        timeout=args.timeout,
    )  # fmt: skip
    try:
        rows = [
            row
            for row in csv.reader(
                (line for line in output.read_text().splitlines() if not line.startswith("#")),
                delimiter=";",
            )
        ]
        header, body = rows[0], rows[1:]
        valid = header.index("valid")
        result["checked"] = len(body)
        result["statuses"] = dict(
            Counter("valid" if r[valid] == "True" else "invalid" for r in body)
        )
    except (OSError, ValueError, IndexError):
        result["checked"] = 0
        result["statuses"] = result["stderr"][-300:]
    return result


TOOLS = {"ours": run_ours, "lychee": run_lychee, "linkchecker": run_linkchecker}
LABELS = {
    "ours": "Claimtrack (aiohttp, results in SQLite)",
    "ours-recheck": "Claimtrack, recheck of the same links",
    "lychee": "lychee",
    "linkchecker": "LinkChecker",
}


def version(tool: str) -> str:
    tool = tool.removesuffix("-recheck")
    try:
        if tool == "lychee":
            lychee = shutil.which("lychee") or str(Path(sys.executable).parent / "lychee")
            return subprocess.run(
                [lychee, "--version"], capture_output=True, text=True
            ).stdout.strip()
        if tool == "linkchecker":
            out = subprocess.run(["linkchecker", "--version"], capture_output=True, text=True)
            return out.stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return "not installed"
    return "this branch"


def wait_for_web(hosts: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    for n in range(hosts):
        while True:
            try:
                socket.create_connection((host_ip(n), PORT), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the test web did not start on {host_ip(n)}:{PORT}") from None
                time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=300, help="per tool, seconds")
    parser.add_argument("--tools", default="ours,lychee,linkchecker")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.hosts)
        return

    urls = make_urls(args.urls, args.hosts)
    server = subprocess.Popen(
        [args.python, __file__, "--serve", "--hosts", str(args.hosts)],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_web(args.hosts)
        rows = []
        for tool in [t.strip() for t in args.tools.split(",") if t.strip()]:
            with tempfile.TemporaryDirectory(prefix=f"bench-{tool}-") as tmp:
                print(f"… {tool}", file=sys.stderr, flush=True)
                results = TOOLS[tool](urls, args, Path(tmp))
            for result in results if isinstance(results, list) else [results]:
                result.setdefault("tool", tool)
                rows.append(result)
                print(
                    f"  {result['checked']} checked in {result['wall']:.1f} s, "
                    f"CPU {result['cpu']:.1f} s, peak {result['rss_mb']:.0f} MB"
                    f"{' (TIMED OUT)' if result['timed_out'] else ''}: {result['statuses']}",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        os.killpg(server.pid, 15)
        server.wait(10)

    print(
        f"\n{args.urls} URLs on {args.hosts} hosts, concurrency {args.concurrency}, politeness "
        f"off, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n"
    )
    print("| Tool | Version | Checked | Wall (s) | Links/s | CPU (s) | Peak RSS (MB) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        rate = r["checked"] / r["wall"] if r["wall"] else 0
        flag = " (timed out)" if r["timed_out"] else ""
        print(
            f"| {LABELS[r['tool']]}{flag} | {version(r['tool'])} | {r['checked']} | "
            f"{r['wall']:.1f} | {rate:.0f} | {r['cpu']:.1f} | {r['rss_mb']:.0f} |"
        )
    print()
    for r in rows:
        print(f"- {LABELS[r['tool']]}: {r['statuses']}")


if __name__ == "__main__":
    main()
