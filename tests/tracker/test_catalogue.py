"""Both languages, always: the Vietnamese catalogue has every message the code has, each
translated, none fuzzy, with the English placeholders, and the compiled .mo says the same.

Each failure says what to run (tests/catalogue_support.py: TO_DO). These tests touch no
database, so CI runs them in its SQLite pass.
"""

import shutil
from pathlib import Path

import polib
import pytest

from tests.catalogue_support import (
    CATALOGUE,
    COMPILED,
    NOT_APPLICATION_CODE,
    ROOT,
    TO_DO,
    compiled_problems,
    extract,
    placeholder_problems,
    report,
    stale_problems,
)


def fail_with(problems: list[str], catalogue: Path = CATALOGUE) -> None:
    if problems:
        pytest.fail("\n".join(problems) + "\n\n" + TO_DO.format(catalogue=catalogue), False)


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(ROOT / CATALOGUE))


def test_the_catalogue_has_every_message_of_the_code_and_no_other(catalogue, tmp_path):
    fail_with(stale_problems(catalogue, extract(tmp_path)))


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e for e in catalogue if not e.translated() and not e.fuzzy]
    fail_with(
        [f"untranslated: {e.msgid!r}" for e in untranslated]
        + [f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
    )
    assert len(catalogue) > 500


def test_translations_keep_the_placeholders_and_markup_of_the_english(catalogue):
    fail_with(placeholder_problems(catalogue))


def test_the_compiled_catalogue_says_what_the_catalogue_says(catalogue):
    fail_with(compiled_problems(catalogue, polib.mofile(str(ROOT / COMPILED))))


# The checks themselves, on a catalogue that is wrong in each way.


def entry(msgid: str, msgstr: str, *flags: str, **fields) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, flags=list(flags), **fields)


def catalogue_of(*entries: polib.POEntry) -> polib.POFile:
    made = polib.POFile()
    made.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=1;"}
    made.extend(entries)
    return made


def test_a_new_string_in_the_code_is_named_with_where_it_is_used(catalogue, tmp_path):
    code = tmp_path / "code-with-a-new-feature"
    shutil.copytree(
        ROOT,
        code,
        ignore=shutil.ignore_patterns(".*", "__pycache__", "*.sqlite3*", *NOT_APPLICATION_CODE),
    )
    (code / "claims" / "new_feature.py").write_text(
        "from django.utils.translation import gettext as _\n\n"
        "MESSAGE = _('A brand new refusal for %(name)s.')\n"
    )

    problems = stale_problems(catalogue, extract(tmp_path / "scratch", root=code))

    assert problems == [
        "in the code, not in the catalogue: 'A brand new refusal for %(name)s.' "
        "(claims/new_feature.py:3)"
    ]


def test_a_message_gone_from_the_code_is_named():
    extracted = catalogue_of(entry("Kept", "Giữ"))
    committed = catalogue_of(entry("Kept", "Giữ"), entry("Gone", "Đã bỏ"))

    assert stale_problems(committed, extracted) == [
        "in the catalogue, no longer in the code: 'Gone'"
    ]


def test_a_lost_or_renamed_placeholder_or_tag_is_found():
    wrong = catalogue_of(
        entry("Due since %(date)s.", "Đến hạn.", "python-format"),
        entry("Hello {name}", "Xin chào {ten}"),
        entry('Since <time datetime="%(iso)s">%(date)s</time>.', "Từ %(date)s.", "python-format"),
        entry("Checked %s", "Kiểm tra %d", "python-format"),
        entry(
            "%(counter)s claim",
            "",
            "python-format",
            msgid_plural="%(counter)s claims",
            msgstr_plural={0: "tuyên bố"},
        ),
    )
    right = catalogue_of(
        entry("Due since %(date)s.", "Đến hạn từ %(date)s.", "python-format"),
        entry("50% of them", "50% trong số đó"),  # not python-format: % is plain text
        entry("%(a)s and %(b)s", "%(b)s và %(a)s", "python-format"),  # order may change
        entry(
            "%(counter)s claim",
            "",
            "python-format",
            msgid_plural="%(counter)s claims",
            msgstr_plural={0: "%(counter)s tuyên bố"},
        ),
    )

    assert len(placeholder_problems(wrong)) == 5
    assert placeholder_problems(right) == []


def test_a_compiled_catalogue_older_than_its_source_is_found(tmp_path):
    source = catalogue_of(entry("Back", "Quay lại"), entry("Confirm", "Xác nhận"))
    older = catalogue_of(entry("Back", "Trở về"), entry("Removed", "Đã xóa"))
    older.save_as_mofile(str(tmp_path / "django.mo"))

    assert compiled_problems(source, polib.mofile(str(tmp_path / "django.mo"))) == [
        "not in django.mo: 'Confirm'",
        "in django.mo but not in django.po: 'Removed'",
        "django.mo has another translation of 'Back'",
    ]
    source.save_as_mofile(str(tmp_path / "django.mo"))
    assert compiled_problems(source, polib.mofile(str(tmp_path / "django.mo"))) == []


def test_the_report_lists_each_entry_left_to_translate_with_where_it_is_used():
    fuzzy = entry("Said %(n)s times", "Đã nói", "fuzzy", "python-format")
    fuzzy.previous_msgid = "Said %(n)s time"
    left = catalogue_of(
        entry("Done at %(time)s", "Xong", "python-format"), entry("Confirm", ""), fuzzy
    )
    where = {("", "Confirm", ""): [("templates/x.html", "3")]}

    text = report(left, where)

    assert "3 messages, 1 untranslated, 1 fuzzy, 1 with placeholders" in text
    assert "  'Confirm'  [templates/x.html:3]" in text
    assert "guessed from 'Said %(n)s time': 'Đã nói'" in text
