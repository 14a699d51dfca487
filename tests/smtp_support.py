"""A real SMTP server on 127.0.0.1 for the follow tests and bench/follows.py: aiosmtpd, run
as its own process (`python -m aiosmtpd`), storing every message it accepts in a Maildir that
the tests read.

Its own process, not a thread: aiosmtpd imports the `atpublic` distribution as `public`, the
name of this project's read side, so it cannot be imported beside the project.
"""

import mailbox
import os
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# A Maildir handler that keeps the client of one message (the `after`+1st) waiting `seconds`
# before it answers (and stores it): a worker can be killed while that mail is in flight.
STALLING_HANDLER = """
import asyncio
from aiosmtpd.handlers import Mailbox


class StallingMailbox(Mailbox):
    def __init__(self, maildir, after, seconds):
        super().__init__(maildir)
        self.after, self.seconds, self.count = int(after), float(seconds), 0

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if self.count == self.after + 1:
            await asyncio.sleep(self.seconds)
        return await super().handle_DATA(server, session, envelope)
"""


class SmtpServer:
    def __init__(self, directory: Path, *, stall_after: int | None = None, stall=30.0) -> None:
        """`stall_after`: the message after that many keeps its sender waiting `stall` s."""
        self.directory = directory
        self.maildir = directory / "Maildir"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.stall_after, self.stall = stall_after, stall

    def start(self) -> "SmtpServer":
        mailbox.Maildir(self.maildir, create=True)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        handler = ["aiosmtpd.handlers.Mailbox", str(self.maildir)]
        if self.stall_after is not None:
            (self.directory / "stalling.py").write_text(STALLING_HANDLER)
            handler = ["stalling.StallingMailbox", str(self.maildir),
                       str(self.stall_after), str(self.stall)]  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", *handler],
            cwd=self.directory,  # not the project: `public` must be atpublic's there
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError as exc:
                if self.process.poll() is not None:
                    error = self.process.stderr.read().decode()  # type: ignore[union-attr]
                    raise RuntimeError(error) from exc
                time.sleep(0.05)
        raise RuntimeError("the SMTP server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message accepted, in the order they arrived."""
        parser = BytesParser(policy=default)
        files = sorted((self.maildir / "new").iterdir(), key=lambda f: f.stat().st_mtime_ns)
        found = []
        for path in files:
            with path.open("rb") as handle:
                found.append(parser.parse(handle))
        return found  # type: ignore[return-value]

    def count(self) -> int:
        return len(os.listdir(self.maildir / "new"))

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def clear(self) -> None:
        mailbox.Maildir(self.maildir, create=False).clear()
