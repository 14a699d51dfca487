"""Checking every link in a scope with several processes that share the lease queue.

Each process leases a batch (SKIP LOCKED, so no two hold the same link), checks it, records
the results (which ends the lease) and leases the next, until nothing in the scope is left
unchecked since the run started. A process killed mid-batch loses nothing: its leases expire
and a surviving process, or the parent once every child is gone, leases those links again.
Links recorded before the kill are not checked again: they were checked since the run started.
"""

import datetime
import gc
import multiprocessing
import multiprocessing.connection
import os
import pickle
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.db import connections, reset_queries
from django.db.models import Q
from django.utils import timezone

from sources.linkcheck.fetch import Checker, FetchConfig
from sources.linkcheck.politeness import Politeness
from sources.models import Link
from sources.services.checking import links_check, links_claim

REPORT_EVERY = 100  # results a child sends the parent at once
WAIT_FOR_LEASES = 0.5  # seconds between looks at leases a dead sibling left behind


@dataclass(frozen=True)
class Run:
    """What one run checks: links (on `host`, due ones unless `due_only` is off) not checked
    since `started`, leased in batches of `batch` under tokens starting with `token`."""

    started: datetime.datetime
    token: str
    batch: int
    host: str = ""
    due_only: bool = True

    def scope(self) -> Q:
        scope = Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=self.started)
        if self.host:
            scope &= Q(host=self.host)
        if self.due_only:
            scope &= Q(next_check_at__isnull=True) | Q(next_check_at__lte=timezone.now())
        return scope

    def held(self) -> bool:
        """Does the run itself (a live or a dead process) still hold links it has not recorded?"""
        return Link.objects.filter(self.scope(), lease_token__startswith=self.token).exists()


def process_mark() -> str:
    """Eight hex digits of this process's id, after the run's in each lease token: which
    process holds a lease shows in the table."""
    return f"{os.getpid() % 16**8:08x}"


def run_start(*, batch: int, host: str = "", due_only: bool = True) -> Run:
    return Run(
        started=timezone.now(),
        token=secrets.token_hex(4),
        batch=batch,
        host=host.strip().lower(),
        due_only=due_only,
    )


def run_drain(
    run: Run,
    *,
    config: FetchConfig,
    politeness: Callable[[], Politeness],
    on_results: Callable[[Counter, list[int]], None],
) -> None:
    """Lease, check and record batches until the run's scope is done. `on_results` gets the
    statuses recorded (and failing links due for an archive lookup) as they come. One checker
    serves every batch, so connections, DNS answers and soft-404 probes carry over."""
    with Checker(config, politeness) as checker:
        _drain(run, checker, on_results)


def _drain(run: Run, checker: Checker, on_results: Callable[[Counter, list[int]], None]) -> None:
    while True:
        token, leased = links_claim(
            limit=run.batch,
            host=run.host,
            due_only=run.due_only,
            unchecked_since=run.started,
            run=run.token + process_mark(),
        )
        if not leased:
            if not run.held():
                return
            time.sleep(WAIT_FOR_LEASES)  # a killed sibling's leases, until they expire
            continue
        pending: Counter = Counter()

        def count(link: Link, pending: Counter = pending) -> None:
            pending[link.status] += 1
            if pending.total() >= REPORT_EVERY:
                on_results(Counter(pending), [])
                pending.clear()

        archive_ids: list[int] = []
        links_check(lease_token=token, checker=checker, on_result=count, archive_ids=archive_ids)
        on_results(pending, archive_ids)
        # With DEBUG on, Django keeps the text of every query, and a batch's COPY and UPDATE
        # carry all of its rows: a long run would keep them all.
        reset_queries()


def run_in_processes(
    run: Run,
    *,
    processes: int,
    config: FetchConfig,
    politeness: Callable[[], Politeness],
    on_results: Callable[[Counter, list[int]], None],
) -> None:
    """`run_drain` in `processes` forked processes; results reach `on_results` in this one.
    When every child has ended, this process finishes what a killed child left leased."""
    if processes <= 1:
        run_drain(run, config=config, politeness=politeness, on_results=on_results)
        return
    context = multiprocessing.get_context("fork")
    connections.close_all()  # a forked child must not share the parent's database socket
    # What the parent has loaded so far stays shared with the children: without this, the
    # garbage collector writing to every object it visits copies those pages into each child.
    gc.freeze()
    # One pipe per child, no lock shared between them: a child killed while it sends cannot
    # block the others.
    pipes = []
    children = []
    for n in range(processes):
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_child,
            args=(run, config, politeness, sender),
            name=f"check_links-{n}",
            daemon=True,
        )
        child.start()
        sender.close()
        pipes.append(receiver)
        children.append(child)
    gc.unfreeze()  # the children keep their frozen copies; this process collects as before
    while pipes:
        # wait() hands back some of the very pipes it was given.
        ready = multiprocessing.connection.wait(pipes)
        for pipe in cast(list[multiprocessing.connection.Connection], ready):
            try:
                statuses, archive_ids = pipe.recv()
            except (EOFError, OSError, pickle.UnpicklingError):
                pipes.remove(pipe)  # the child ended, or died mid-message
                continue
            on_results(statuses, archive_ids)
    for child in children:
        child.join()
    run_drain(run, config=config, politeness=politeness, on_results=on_results)


def _child(run: Run, config: FetchConfig, politeness, sender) -> None:
    try:
        run_drain(
            run,
            config=config,
            politeness=politeness,
            on_results=lambda statuses, ids: sender.send((statuses, ids)),
        )
    finally:
        connections.close_all()
        sender.close()
