"""The Vietnamese catalogue against the code: what `make messages` does and reports, and what
tests/tracker/test_catalogue.py holds (docs/translation.md).

`python -m tests.catalogue_support update` brings locale/vi/LC_MESSAGES/django.po up to date
with the code (makemessages), compiles django.mo (msgfmt) and lists every entry left to
translate or to review; `python -m tests.catalogue_support` only lists them. The check runs
makemessages in a temporary copy of the code, so it never writes to the working tree.
"""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale") / "vi" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")

# What makemessages reads: the application code and templates. The static JavaScript shows no
# text of its own (no djangojs domain). Tests, benchmarks and build output carry no interface.
NOT_APPLICATION_CODE = [
    "tests",
    "bench",
    "staticfiles",
    "test-output",
    "tmp",
    "node_modules",
]
MAKEMESSAGES = [
    "makemessages",
    "--locale",
    "vi",
    "--no-obsolete",
    *(arg for directory in NOT_APPLICATION_CODE for arg in ("--ignore", f"{directory}/*")),
]
# The committed catalogue carries no source locations: they would change with every edit of
# the code and make merges conflict. The temporary copy keeps them, to say where a string is.
IN_PLACE = ["--no-location"]

TO_DO = (
    "Run `make messages`, translate the entries it lists in {catalogue} (the house terms are in "
    "docs/translation.md; for a fuzzy entry fix the suggestion and delete its `#, fuzzy` line), "
    "run `make messages` again and commit the .po and the .mo."
)

Key = tuple[str, str, str]  # msgctxt, msgid, msgid_plural


def key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def show(entry_key: Key) -> str:
    context, msgid, plural = entry_key
    text = repr(msgid) + (f" / plural {plural!r}" if plural else "")
    return f"{text} (context {context!r})" if context else text


def manage(*args: str, cwd: Path) -> None:
    """Run manage.py in `cwd`: makemessages reads the tree it starts in, and writes to the
    LOCALE_PATHS of the settings it loads, so a copy of the code writes only to itself."""
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG") or "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def compile_catalogue(root: Path = ROOT) -> None:
    """msgfmt, as compilemessages runs it, but always: compilemessages skips a .mo whose file
    time is newer than the .po's, which a checkout or a merge does not promise."""
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(root / COMPILED), str(root / CATALOGUE)],
        check=True,
    )


def update(root: Path = ROOT) -> None:
    manage(*MAKEMESSAGES, *IN_PLACE, cwd=root)
    compile_catalogue(root)


def extract(into: Path, root: Path = ROOT) -> polib.POFile:
    """The catalogue makemessages makes from the code now, with source locations, in a copy."""
    copy = into / "code"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "__pycache__", "*.pyc", "*.sqlite3*", *NOT_APPLICATION_CODE
        ),
    )
    manage(*MAKEMESSAGES, cwd=copy)
    return polib.pofile(str(copy / CATALOGUE))


# Python %-format placeholders (%(name)s, %s, %d, %04X; %% is a literal percent sign), in the
# entries xgettext marks python-format; {name} placeholders and HTML tags in every entry.
PERCENT = re.compile(r"%(?:\(\w+\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"\{[A-Za-z_]?\w*(?:![rsa])?(?::[^{}]*)?\}")
TAGS = re.compile(r"</?[A-Za-z][\w-]*")


def placeholders(text: str, *, percent: bool) -> list[str]:
    found = BRACES.findall(text) + TAGS.findall(text)
    if percent:
        found += PERCENT.findall(text)
    return sorted(found)


def placeholder_problems(catalogue: polib.POFile) -> list[str]:
    """Each translation keeps its source's placeholders and markup. Vietnamese has one plural
    form (nplurals=1): msgstr[0] is used for every count, so it carries msgid_plural's."""
    found = []
    for entry in catalogue.translated_entries():
        percent = "python-format" in entry.flags
        if entry.msgid_plural:
            source = entry.msgid_plural
            translations = [entry.msgstr_plural[form] for form in sorted(entry.msgstr_plural)]
            if sorted(entry.msgstr_plural) != [0]:
                found.append(f"{show(key(entry))}: Vietnamese has one plural form, msgstr[0]")
        else:
            source, translations = entry.msgid, [entry.msgstr]
        wanted = placeholders(source, percent=percent)
        for translation in translations:
            if placeholders(translation, percent=percent) != wanted:
                found.append(
                    f"{show(key(entry))}: the translation {translation!r} has "
                    f"{placeholders(translation, percent=percent)}, the English {wanted}"
                )
    return found


def compiled_problems(catalogue: polib.POFile, compiled: polib.MOFile) -> list[str]:
    """django.mo says what django.po's translated entries say, and nothing else."""

    def translations(entries: Iterable[polib.POEntry | polib.MOEntry]) -> dict[Key, object]:
        return {
            key(entry): dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr
            for entry in entries
            if entry.msgid
        }

    source = translations(catalogue.translated_entries())
    built = translations(compiled)
    differ = sorted(k for k in source.keys() & built.keys() if source[k] != built[k])
    return (
        [f"not in django.mo: {show(k)}" for k in sorted(source.keys() - built.keys())]
        + [f"in django.mo but not in django.po: {show(k)}" for k in sorted(built.keys() - source)]
        + [f"django.mo has another translation of {show(k)}" for k in differ]
    )


def stale_problems(catalogue: polib.POFile, extracted: polib.POFile) -> list[str]:
    """The committed catalogue has exactly the messages makemessages finds in the code."""
    where = {key(entry): entry.occurrences for entry in extracted}
    committed = {key(entry) for entry in catalogue}
    missing = sorted(where.keys() - committed)
    gone = sorted(committed - where.keys())
    return [
        f"in the code, not in the catalogue: {show(k)} ({locations(where[k])})" for k in missing
    ] + [f"in the catalogue, no longer in the code: {show(k)}" for k in gone]


def locations(occurrences: list[tuple[str, str]]) -> str:
    return ", ".join(f"{path}:{line}" for path, line in occurrences) or "no location"


def report(catalogue: polib.POFile, where: dict[Key, list[tuple[str, str]]]) -> str:
    """What is left to do in the catalogue, entry by entry, for a translator."""
    untranslated = [e for e in catalogue if not e.translated() and not e.fuzzy and not e.obsolete]
    fuzzy = catalogue.fuzzy_entries()
    wrong = placeholder_problems(catalogue)
    lines = [
        f"{CATALOGUE}: {len(catalogue)} messages, {len(untranslated)} untranslated, "
        f"{len(fuzzy)} fuzzy, {len(wrong)} with placeholders unlike the English."
    ]
    if untranslated:
        lines += ["", "Untranslated (fill in msgstr):"]
        lines += [f"  {show(key(e))}  [{locations(where.get(key(e), []))}]" for e in untranslated]
    if fuzzy:
        lines += ["", "Fuzzy (check the guessed msgstr, fix it, delete the `#, fuzzy` line):"]
        for entry in fuzzy:
            guess = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
            lines.append(f"  {show(key(entry))}  [{locations(where.get(key(entry), []))}]")
            lines.append(f"      guessed from {entry.previous_msgid!r}: {guess!r}")
    if wrong:
        lines += ["", "Placeholders or markup unlike the English:"]
        lines += [f"  {problem}" for problem in wrong]
    if untranslated or fuzzy or wrong:
        lines += ["", "Terms: docs/translation.md. Then run `make messages` again."]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    import tempfile

    if argv[:1] == ["update"]:
        update()
    catalogue = polib.pofile(str(ROOT / CATALOGUE))
    with tempfile.TemporaryDirectory() as scratch:
        extracted = extract(Path(scratch))
    print(report(catalogue, {key(entry): entry.occurrences for entry in extracted}))
    stale = stale_problems(catalogue, extracted)
    if stale:
        print("\nThe catalogue is behind the code: run `make messages`.")
        print("\n".join(f"  {problem}" for problem in stale))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
