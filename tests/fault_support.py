"""What the fault tests share: a private PostgreSQL cluster they may stop and restart, the site
served by gunicorn in a child process, and a load of readers recording every answer.

The cluster is made once per session (initdb takes a few seconds) in a folder of its own, on a
free port, and run as the `postgres` user when the tests run as root (PostgreSQL refuses root).
"""

import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests import worker_support
from tests.redis_support import free_port


def _newest_postgres_bin() -> Path | None:
    """Debian keeps initdb and pg_ctl out of PATH, in /usr/lib/postgresql/<version>/bin."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


POSTGRES_BIN = _newest_postgres_bin()


def postgres_bin(name: str) -> str:
    if POSTGRES_BIN is not None and (POSTGRES_BIN / name).exists():
        return str(POSTGRES_BIN / name)
    return shutil.which(name) or name


class PrivatePostgres:
    def __init__(self, *, options: str = "") -> None:
        self.options = options  # more server settings, as `-c name=value ...`
        self.folder = Path(tempfile.mkdtemp(prefix="claimtrack-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        command = ["runuser", "-u", "postgres", "--", *args] if self.as_root else list(args)
        return subprocess.run(command, check=True, capture_output=True, **kwargs)

    def init(self) -> "PrivatePostgres":
        self._run(
            postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "--no-sync", "--no-instructions",
        )  # fmt: skip
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off {self.options}"
        )
        self._run(
            postgres_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l",
            str(self.folder / "log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def standby(self) -> "PrivatePostgres":
        """A hot standby streaming from this cluster (which must be running): a base backup
        taken with `pg_basebackup -R` (it writes the connection to the primary and the standby
        signal), started on a port of its own."""
        standby = PrivatePostgres(options="-c hot_standby=on")
        standby._run(
            postgres_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
            "postgres", "-D", str(standby.data), "-R", "-X", "stream", "--no-sync",
            "-c", "fast",
        )  # fmt: skip
        standby.start()
        return standby

    def sql(self, statement: str, database: str = "postgres") -> str:
        """One statement run by psql here; its output, unaligned."""
        command = [postgres_bin("psql"), self.url(database), "-XAtqc", statement]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()

    def running(self) -> bool:
        command = [postgres_bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(command).returncode == 0

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def copy_of(self, source_url: str, name: str) -> str:
        """A new database here holding what the database at `source_url` holds now."""
        for statement in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
            subprocess.run(
                [postgres_bin("psql"), self.url("postgres"), "-qc", statement],
                check=True,
                capture_output=True,
            )
        dump = subprocess.run(
            [postgres_bin("pg_dump"), "--no-owner", source_url], check=True, capture_output=True
        )
        subprocess.run(
            [postgres_bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url(name)],
            input=dump.stdout,
            check=True,
            capture_output=True,
        )
        return self.url(name)

    def remove(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class Site:
    """The site under gunicorn (tracker.wsgi), as the README deploys it, in a child process."""

    def __init__(self, env: dict[str, str], log: Path, *, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log = log
        self.process = worker_support.start(
            [
                "-m",
                "gunicorn",
                "tracker.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--timeout",
                "60",
            ],  # fmt: skip
            env=env,
            log=log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.get("/robots.txt")[0] == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start:\n{worker_support.log_tails([log])}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def request(
        self, path: str, *, data: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.url(path), data=data, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as answer:
            return answer.code, dict(answer.headers), answer.read()
        except OSError:
            return 0, {}, b""

    def get(self, path: str) -> tuple[int, dict]:
        status, headers, _ = self.request(path)
        return status, headers

    def stop(self) -> None:
        worker_support.stop(self.process)


@dataclass
class Load:
    """Readers asking for `paths` in turn from a thread, each answer kept with its time."""

    site: Site
    paths: list[str]
    answers: list[tuple[float, str, int, dict]] = field(default_factory=list)
    running: bool = True

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while self.running:
            for path in self.paths:
                status, headers = self.site.get(path)
                self.answers.append((time.monotonic(), path, status, headers))

    def stop(self) -> None:
        self.running = False
        self.thread.join(60)

    def between(self, start: float, end: float) -> list[tuple[float, str, int, dict]]:
        return [answer for answer in self.answers if start <= answer[0] < end]
