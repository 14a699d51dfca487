"""URL normalisation: one Link per document however the URL was typed."""

import pytest

from sources.linkcheck.normalize import normalize_url


@pytest.mark.parametrize(
    "typed, normalised",
    [
        ("HTTPS://News.Example.ORG:443/a?b=1#section", "https://news.example.org/a?b=1"),
        ("http://news.example.org:80", "http://news.example.org/"),
        ("http://news.example.org:8080/x", "http://news.example.org:8080/x"),
        (
            "https://news.example.org/a?utm_source=x&id=7&fbclid=abc",
            "https://news.example.org/a?id=7",
        ),
        ("https://news.example.org/a?to=%2Fb&q=a+b", "https://news.example.org/a?to=%2Fb&q=a+b"),
        ("https://news.example.org/%7euser/a%2fb", "https://news.example.org/~user/a%2Fb"),
        ("https://news.example.org/tin tức", "https://news.example.org/tin%20t%E1%BB%A9c"),
        ("https://báo.example/", "https://xn--bo-mia.example/"),
        (" https://news.example.org/a ", "https://news.example.org/a"),
    ],
)
def test_it_gives_each_url_one_spelling(typed, normalised):
    assert normalize_url(typed) == normalised
    assert normalize_url(normalised) == normalised


@pytest.mark.parametrize("bad", ["", "not a url", "/relative/path", "mailto:someone@example.org"])
def test_it_refuses_urls_without_a_host(bad):
    with pytest.raises(ValueError):
        normalize_url(bad)
