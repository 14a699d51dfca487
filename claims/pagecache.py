"""Whole-page cache for the public site, dropped whenever anything readers see may have changed.

Every cached page's key holds a "generation"; changing it retires every page at once. That is
cheap and cannot miss a page, which matters more here than keeping unrelated pages warm:
verdicts change rarely and readers must never see a retracted one.

The generation has two parts. One lives in the cache and changes at once for every process.
The other lives in the database (tracker.models.PageCacheGeneration), is changed when the write
commits, and is read by each process at most every PUBLIC_PAGE_GENERATION_CHECK_SECONDS. The
cache's part alone would be lost with the cache: a write made while Redis was unreachable, or
Redis restarted from a snapshot older than the write, would bring back pages from before it.
The database's part cannot be lost with the write, so such pages stop being served within
those seconds. Retiring pages never fails a write: the cache drops what it cannot reach
(tracker.cache), and the database's part is written after the commit, its failure logged.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from functools import wraps
from typing import cast, overload

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import patch_cache_control

from claims import edge
from tracker.models import PageCacheGeneration

log = logging.getLogger(__name__)

GENERATION_KEY = "public-pages:generation"
GENERATION_ROW = 1


class _Stored:
    """This process's copy of the database's part, and when it was read."""

    token = ""
    read_at = float("-inf")


def stored_generation() -> str:
    """The database's part, read again when this process's copy is older than
    PUBLIC_PAGE_GENERATION_CHECK_SECONDS. While the database cannot answer, the copy stands."""
    if time.monotonic() - _Stored.read_at >= settings.PUBLIC_PAGE_GENERATION_CHECK_SECONDS:
        try:
            row = PageCacheGeneration.objects.filter(pk=GENERATION_ROW).first()
        except DatabaseError:
            return _Stored.token
        _remember(row.token if row else "")
    return _Stored.token


def _remember(token: str) -> None:
    _Stored.token, _Stored.read_at = token, time.monotonic()


def generation() -> str:
    shared = cast(str, cache.get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex, None))
    return f"{shared}.{stored_generation()}"


def _retire_cached() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _retire_stored() -> None:
    token = uuid.uuid4().hex
    PageCacheGeneration.objects.update_or_create(pk=GENERATION_ROW, defaults={"token": token})
    _remember(token)


def invalidate() -> None:
    """Retire every cached public page."""
    _retire_cached()
    _retire_stored()


def _invalidate_after_commit() -> None:
    _retire_cached()
    try:
        _retire_stored()
    except DatabaseError:  # the write is committed: say so, but do not fail its request
        log.exception("Could not store the page cache's new generation")


PageView = Callable[..., HttpResponse]


@overload
def cached_page(view: PageView, *, reads: Iterable[str] = ()) -> PageView: ...
@overload
def cached_page(
    view: None = None, *, reads: Iterable[str] = ()
) -> Callable[[PageView], PageView]: ...
def cached_page(
    view: PageView | None = None, *, reads: Iterable[str] = ()
) -> PageView | Callable[[PageView], PageView]:
    """Serve anonymous GETs of `view` from the cache, per path, language and the query
    parameters in `reads`: `@cached_page` for a page that reads none,
    `@cached_page(reads=("page",))` for one that does.

    The view sees only those parameters (the rest are dropped from request.GET), so one cached
    page stands for every query string that differs only in junk, and junk sent to flood the
    cache or to be echoed into links is neither stored nor shown. Signed-in people (editors
    checking their work) always get a fresh page.
    """
    if view is None:
        return lambda view: cached_page(view, reads=reads)
    read = tuple(sorted(reads))

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return for_the_edge(request, cached(request, *args, **kwargs))

    def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.GET = _only(request.GET, read)  # type: ignore[assignment]  # immutable, as GET is
        request.META["QUERY_STRING"] = request.GET.urlencode()  # what get_full_path() echoes
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        page = hashlib.sha256(f"{request.path}?{request.GET.urlencode()}".encode()).hexdigest()
        key = f"public-page:{generation()}:{request.LANGUAGE_CODE}:{page}"
        response = cache.get(key)
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, response, seconds)
        return response

    return wrapped


def for_the_edge(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Cache-Control for a CDN or caching proxy in front of the site: an anonymous reader's
    page may be kept PUBLIC_EDGE_CACHE_SECONDS (so a change reaches readers behind it within
    that time, however it was made), and names what it shows for a purge by key when the
    change is one claims.dependents sees (claims.edge); a signed-in person's page, or an error,
    is never kept."""
    seconds = settings.PUBLIC_EDGE_CACHE_SECONDS
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    elif response.status_code == 200 and seconds and not response.cookies:
        patch_cache_control(response, public=True, max_age=seconds)
        edge.label(request, response)
    else:
        patch_cache_control(response, no_cache=True)
    return response


def _only(query: QueryDict, names: tuple[str, ...]) -> QueryDict:
    kept = QueryDict(mutable=True)
    for name in names:
        values = [value for value in query.getlist(name) if value]
        if values:
            kept.setlist(name, values[:1])  # every page reads one value per parameter
    kept._mutable = False
    return kept


def invalidate_now_and_on_commit() -> None:
    """Retire every cached public page; claims.dependents calls this when what they show changed.

    Now, so this transaction's own later reads are fresh; on commit, so that a page rendered by
    another request between now and the commit (with the old data) is retired too.
    """
    _retire_cached()
    _remember(uuid.uuid4().hex)  # this process's later reads in the transaction miss too
    transaction.on_commit(_invalidate_after_commit)
