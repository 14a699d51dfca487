"""Link checker benchmark: Claimtrack's checker against LinkChecker and lychee on one local web.

    python bench/linkcheck.py [--urls 10000] [--hosts 50] [--tools ours,lychee,linkchecker]

nginx serves a test web on many hosts (127.0.1.20, .21, …, one free port), with a mix
of pages: 200s, 301/302 redirects, 404, 410 and 500. Each tool then checks the same URLs, end
to end (ours through `manage.py check_links`, results recorded in a fresh PostgreSQL database), with
politeness off, as a child process whose wall time, CPU time and peak memory are measured.
Every run is bounded by --timeout. Results go to stdout as a Markdown table (bench/README.md
keeps the latest). Not part of the test suite.
"""

import argparse
import csv
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT = Path(__file__).resolve().parent.parent
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
# nginx serves it: static files and `return` rules cost it microseconds per request, so the
# checkers are measured, not the server (a Python server capped lychee at about 3,000 links/s).


def _bodies() -> list[str]:
    """100 article pages (about 10 kB of HTML each); /page/N serves the one for N's last two
    digits."""
    bodies = []
    for variant in range(100):
        rng = random.Random(variant)
        paragraphs = "".join(
            "<p>" + " ".join(rng.choice(WORDS) for _ in range(80)) + "</p>" for _ in range(12)
        )
        links = "".join(f'<a href="/page/{rng.randrange(10**6)}">more</a> ' for _ in range(20))
        bodies.append(
            f"<!doctype html><html><head><title>Article {variant}</title></head><body>"
            f"<nav>{links}</nav><main><h1>Article {variant}</h1>{paragraphs}</main>"
            "<footer>Test</footer></body></html>"
        )
    return bodies


SOFT_404_PAGE = (
    "<!doctype html><html><head><title>Not found</title></head><body><main><h1>Sorry</h1>"
    "<p>We could not find the page you asked for. Try the search box.</p></main></body></html>"
)

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log error;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_requests 100000;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    default_type text/html;
    server {{
{listen}
        root {root}/www;
        # Lets LinkChecker go above 10 requests/s.
        add_header LinkChecker benchmark always;
        location ~ "^/page/(?:\\d*)(\\d\\d)$" {{ try_files /pages/$1.html =404; }}
        location ~ "^/page/(\\d)$" {{ try_files /pages/0$1.html =404; }}
        location ~ ^/moved/(\\d+)$ {{ return 301 /page/$1; }}
        location ~ ^/temp/(\\d+)$ {{ return 302 /page/$1; }}
        location /gone/ {{ return 410; }}
        location /error/ {{ return 500; }}
        location /soft/ {{ try_files /soft404.html =404; }}
        location / {{ return 404; }}
    }}
}}
"""


def find_nginx() -> str:
    """nginx from PATH or /usr/sbin; installed from Debian (nginx-light) when missing."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        print(f"test web: nginx found at {found}", file=sys.stderr)
        return found
    print("test web: nginx not found; installing Debian's nginx-light", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "nginx-light"], check=True)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def start_web(hosts: int, port: int, root: Path) -> subprocess.Popen:
    (root / "www" / "pages").mkdir(parents=True)
    (root / "tmp").mkdir()
    for n, body in enumerate(_bodies()):
        (root / "www" / "pages" / f"{n:02d}.html").write_text(body)
    (root / "www" / "soft404.html").write_text(SOFT_404_PAGE)
    listen = "\n".join(f"        listen {host_ip(n)}:{port};" for n in range(hosts))
    (root / "nginx.conf").write_text(NGINX_CONF.format(root=root, listen=listen))
    # nginx started as root serves files as "nobody".
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return subprocess.Popen(
        [find_nginx(), "-p", str(root), "-c", str(root / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((host_ip(0), 0))
        return s.getsockname()[1]


def host_ip(n: int) -> str:
    return f"127.0.{1 + n // 200}.{20 + n % 200}"


def make_urls(count: int, hosts: int, port: int) -> list[str]:
    """A fixed mix: 78% pages, 2% soft 404s (a 200 "not found" page), 6% permanent and 4%
    temporary redirects, 6% 404, 2% 410, 2% 500, spread evenly over the hosts."""
    kinds = ["page"] * 78 + ["soft"] * 2 + ["moved"] * 6 + ["temp"] * 4 + ["missing"] * 6
    kinds += ["gone"] * 2 + ["error"] * 2
    return [f"http://{host_ip(n % hosts)}:{port}/{kinds[n % 100]}/{n}" for n in range(count)]


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
    peak_group_kb = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak_group_kb = max(peak_group_kb, group_pss_kb(process.pid))
        if time.monotonic() > deadline:
            os.killpg(process.pid, 9)
            timed_out = True
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join(5)
    return {
        "wall": time.monotonic() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,  # the largest single process
        "pss_mb": peak_group_kb / 1024,  # every process, shared pages split between them
        "timed_out": timed_out,
        "returncode": process.returncode,
        "stdout": b"".join(out_chunks).decode(errors="replace"),
        "stderr": b"".join(err_chunks).decode(errors="replace"),
    }


def group_pss_kb(group: int) -> int:
    """Proportional memory (PSS) of every process in a process group, summed: pages forked
    processes share are split between them rather than counted once per process."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) != group:  # field 5, pgrp
                continue
            rollup = (stat.parent / "smaps_rollup").read_text()
            total += int(rollup.split("\nPss:", 1)[1].split()[0])
        except (OSError, IndexError, ValueError):
            continue
    return total


# The tools ---------------------------------------------------------------------------------


def run_ours(urls: list[str], args, workdir: Path) -> list[dict]:
    """First checks of every URL, then a recheck of the same links (the steady state: pages
    unchanged since the last check need no text fingerprint and no soft-404 probe). Results go
    to a fresh PostgreSQL database."""
    python = args.python
    env = {
        **os.environ,
        # DEBUG off, as in production: DEBUG keeps the text of every query (a batch's
        # statements carry a thousand ids). No broker: tasks, if any, would run in-process.
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "DATABASE_URL": args.database_url,
        "LINKCHECK_ALLOWED_PRIVATE_NETWORKS": "127.0.0.0/8",
        "LINKCHECK_PER_HOST_CONCURRENCY": "0",
        "LINKCHECK_PER_HOST_INTERVAL_MS": "0",
        "ARCHIVE_AVAILABILITY_URL": "http://127.0.0.1:9/none",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "CACHE_URL"):
        env.pop(name, None)
    fresh_database(args.database_url)
    # Bytecode compiled beforehand, as a deployment has it: with PYTHONDONTWRITEBYTECODE set
    # (as on the benchmark machine), every run would otherwise compile the project's modules.
    packages = [p.name for p in PROJECT.iterdir() if (p / "__init__.py").exists()]
    subprocess.run(
        [python, "-m", "compileall", "-q", "manage.py", *packages],
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        check=True,
    )
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
        "--no-archives", "--concurrency", str(args.concurrency), "--batch", str(args.batch),
        *(["--processes", str(args.processes)] if args.processes else []),
    ]  # fmt: skip
    first = measure(profiled(command, args, "first"), env=env, cwd=PROJECT, timeout=args.timeout)
    _count_ours(first, python, env)
    again = measure(profiled(command, args, "recheck"), env=env, cwd=PROJECT, timeout=args.timeout)
    _count_ours(again, python, env)
    again["checked"] -= first["checked"]
    again["tool"] = "ours-recheck"
    return [first, again]


def profiled(command: list[str], args, name: str) -> list[str]:
    """The command under py-spy (every thread and process, CPU samples only) when --profile is
    given: it writes collapsed stacks to PROFILE.NAME.txt (the figures of a profiled run are
    not the benchmark's)."""
    if not args.profile:
        return command
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    output = f"{args.profile}.{name}.txt"
    return [py_spy, "record", "--format", "raw", "--subprocesses", "--threads", "-r", "250",
            "-o", output, "--", *command]  # fmt: skip


def fresh_database(url: str) -> None:
    """Drop and create the benchmark's own database (never the project's)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("claimtrack_linkbench"):
        raise SystemExit(
            f"refusing to drop {name!r}: the benchmark's database name starts "
            "with claimtrack_linkbench"
        )
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


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
    "ours": "Claimtrack, first check (results in PostgreSQL)",
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


def wait_for_web(hosts: int, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    for n in range(hosts):
        while True:
            try:
                socket.create_connection((host_ip(n), port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the test web did not start on {host_ip(n)}:{port}") from None
                time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--batch", type=int, default=1000, help="Claimtrack's lease size")
    parser.add_argument("--processes", type=int, default=0, help="Claimtrack's processes")
    parser.add_argument("--timeout", type=float, default=300, help="per tool, seconds")
    parser.add_argument("--tools", default="ours,lychee,linkchecker")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LINKBENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/claimtrack_linkbench"
        ),
        help="dropped and created (its name must start with claimtrack_linkbench); default "
        "$LINKBENCH_DATABASE_URL, else claimtrack_linkbench on the local server",
    )
    parser.add_argument(
        "--profile", type=Path, help="py-spy Claimtrack's runs into files with this prefix"
    )
    args = parser.parse_args()

    port = free_port()
    urls = make_urls(args.urls, args.hosts, port)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as web_root:
        server = start_web(args.hosts, port, Path(web_root))
        try:
            wait_for_web(args.hosts, port)
            rows = run_tools(urls, args)
        finally:
            os.killpg(server.pid, 15)
            server.wait(10)
    report(rows, args)


def run_tools(urls: list[str], args) -> list[dict]:
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
                f"CPU {result['cpu']:.1f} s, peak {result['pss_mb']:.0f} MB"
                f"{' (TIMED OUT)' if result['timed_out'] else ''}: {result['statuses']}",
                file=sys.stderr,
                flush=True,
            )
    return rows


def report(rows: list[dict], args) -> None:
    print(
        f"\n{args.urls} URLs on {args.hosts} hosts (nginx), concurrency {args.concurrency}, "
        f"politeness off, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
        f"Python {sys.version.split()[0]}\n"
    )
    rates = {r["tool"]: r["checked"] / r["wall"] for r in rows if r["wall"] and r["checked"]}
    print(
        "| Tool | Version | Checked | Wall (s) | Links/s | × lychee | CPU (s) | CPU ms/link "
        "| Peak RSS (MB) | Peak PSS, all processes (MB) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        rate = rates.get(r["tool"], 0)
        ratio = f"{rate / rates['lychee']:.2f}" if "lychee" in rates else "–"
        per_link = f"{r['cpu'] * 1000 / r['checked']:.2f}" if r["checked"] else "–"
        flag = " (timed out)" if r["timed_out"] else ""
        print(
            f"| {LABELS[r['tool']]}{flag} | {version(r['tool'])} | {r['checked']} | "
            f"{r['wall']:.1f} | {rate:.0f} | {ratio} | {r['cpu']:.1f} | {per_link} | "
            f"{r['rss_mb']:.0f} | {r['pss_mb']:.0f} |"
        )
    print()
    for r in rows:
        print(f"- {LABELS[r['tool']]}: {r['statuses']}")


if __name__ == "__main__":
    main()
