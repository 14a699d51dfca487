"""One Checker serves batch after batch (a check_links run): the soft-404 probe of a site
folder is made once for the whole run, connections carry over, and a batch stopped early
leaves the checker ready for the next."""

import ipaddress

import pytest

from sources.linkcheck.fetch import Checker, FetchConfig, Target
from tests.linkcheck_web import TestWeb

CONFIG = FetchConfig(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),), concurrency=4)


@pytest.fixture
def web():
    server = TestWeb("127.0.0.41").start()
    yield server
    server.stop()


def targets(web: TestWeb, *paths: str) -> list[Target]:
    return [Target(url=web.url(path), key=path) for path in paths]


def probes(web: TestWeb) -> list[str]:
    return [path for path in web.paths() if "claimtrack-" in path]


def test_a_folder_is_probed_once_for_every_batch_of_a_run(web):
    with Checker(CONFIG) as checker:
        first = list(checker.results(targets(web, "/ok/a", "/ok/b")))
        second = list(checker.results(targets(web, "/ok/c", "/ok/d")))
    assert len(probes(web)) == 1
    assert all(r.status_code == 200 and r.probe is not None for r in first + second)
    assert len({id(r.probe) for r in first + second}) == 1


def test_separate_checkers_probe_again(web):
    for path in ("/ok/a", "/ok/b"):
        with Checker(CONFIG) as checker:
            list(checker.results(targets(web, path)))
    assert len(probes(web)) == 2


def test_batches_reuse_the_connections_of_earlier_ones(web):
    with Checker(CONFIG) as checker:
        for batch in range(3):
            for result in checker.results(targets(web, f"/news/{batch}")):
                assert result.status_code == 404
    assert len(web.seen) == 3
    assert len({seen.peer for seen in web.seen}) == 1  # a checker per batch opens three


def test_a_batch_stopped_early_leaves_the_checker_ready_for_the_next(web):
    web.slow_seconds = 2.0
    with Checker(CONFIG) as checker:
        results = checker.results(targets(web, "/ok/first", "/slow", "/slow?again"))
        next(results)
        results.close()  # e.g. a time limit: the slow checks in flight are cancelled
        again = list(checker.results(targets(web, "/ok/after")))
    assert [r.status_code for r in again] == [200]
