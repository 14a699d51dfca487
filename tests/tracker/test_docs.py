"""The docs agree with the code: the webhook events, links, settings, tests, make targets,
commands and query budgets they name exist as they say."""

import ast
import re
from pathlib import Path

from django.core.management import get_commands

from webhooks.models import EventType

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md")), *sorted((ROOT / "bench").glob("*.md"))]
# The contract names commands and events that are promised but not built yet (it says so).
CONTRACT = DOCS / "contract.md"

FENCE = re.compile(r"^ *```.*?^ *```", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(\S+)", re.M)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
EVENT = re.compile(r"[`\"'](claim\.[a-z_]+)[`\"']")
TEST_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)((?:::\w+)+)`")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def prose(text: str) -> str:
    """The text without code blocks and inline code, where brackets are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def code(text: str) -> str:
    """Only the code: fenced blocks and inline code spans."""
    blocks = FENCE.findall(text)
    spans = [span.strip("`") for span in INLINE_CODE.findall(FENCE.sub("", text))]
    return "\n".join(blocks + spans)


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: link text kept, lower case, punctuation dropped
    (hyphens and underscores kept), spaces turned into hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    for heading in HEADING.findall(FENCE.sub("", read(path))):
        name, n = anchor(heading), 1
        while name in found:
            name = f"{anchor(heading)}-{n}"
            n += 1
        found.add(name)
    return found


def relative_links(text: str) -> list[str]:
    plain = prose(text)
    targets = LINK.findall(plain) + REFERENCE.findall(plain)
    return [t for t in targets if not SCHEME.match(t)]


def broken_links(page: Path) -> list[str]:
    """Each relative link of `page` whose file, or whose heading anchor, does not exist."""
    problems = []
    for target in relative_links(read(page)):
        path_part, _, fragment = target.partition("#")
        path = (page.parent / path_part).resolve() if path_part else page
        if not path.exists():
            problems.append(f"{page.name}: {target} (no such file)")
        elif fragment and path.suffix == ".md" and fragment not in anchors(path):
            problems.append(f"{page.name}: {target} (no such heading)")
    return problems


def env_variables_read(path: Path) -> set[str]:
    """Names of the environment variables a settings module reads: through the env helpers
    (envstr, envint, …), os.environ.get, os.getenv, os.environ[...] and `"X" in os.environ`."""

    def is_environ(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "environ"

    def literal(node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        return None

    names = set()
    for node in ast.walk(ast.parse(read(path))):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            helper = isinstance(func, ast.Name) and func.id.startswith("env")
            getter = isinstance(func, ast.Attribute) and (
                func.attr == "getenv" or (func.attr == "get" and is_environ(func.value))
            )
            if (helper or getter) and literal(node.args[0]):
                names.add(literal(node.args[0]))
        elif isinstance(node, ast.Subscript) and is_environ(node.value) and literal(node.slice):
            names.add(literal(node.slice))
        elif (
            isinstance(node, ast.Compare)
            and any(is_environ(c) for c in node.comparators)
            and literal(node.left)
        ):
            names.add(literal(node.left))
    return names


def table_rows(text: str, heading: str) -> list[list[str]]:
    """The cells of the first table under `heading`, header and separator left out."""
    section = text.split(heading, 1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        if line.startswith("|") and not re.fullmatch(r"[\s|:-]+", line):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows and not line.startswith("|"):
            break
    return rows[1:]


# The webhook events


def test_the_webhook_events_in_the_api_docs_are_the_codes_events():
    api = read(DOCS / "api.md")
    listed = {EVENT.search(row[0]).group(1) for row in table_rows(api, "### Events")}
    assert listed == set(EventType.values)


def test_no_page_but_the_contract_names_an_event_the_code_does_not_send():
    for page in PAGES:
        if page != CONTRACT:
            assert set(EVENT.findall(read(page))) <= set(EventType.values), page.name


# Links


def test_every_relative_link_points_to_a_file_and_heading_that_exist():
    problems = [problem for page in PAGES for problem in broken_links(page)]
    assert not problems, "\n".join(problems)


def test_the_link_check_finds_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "other.md").write_text("# Real heading\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#real-heading) [gone](missing.md) [bad anchor](other.md#nope)\n"
        "![picture](missing.png) [site](https://example.org/) `[not](a-link.md)`\n"
        "```\n[also not](in-a-fence.md)\n```\n"
    )
    assert broken_links(page) == [
        "page.md: missing.md (no such file)",
        "page.md: other.md#nope (no such heading)",
        "page.md: missing.png (no such file)",
    ]


def test_headings_get_githubs_anchors():
    assert anchor("Settings (environment variables)") == "settings-environment-variables"
    assert anchor("Claims by appearance URL (`bench/appearance_url.py`)") == (
        "claims-by-appearance-url-benchappearance_urlpy"
    )
    assert anchor("The published record is frozen") == "the-published-record-is-frozen"


# Settings


def test_every_environment_variable_the_settings_read_is_documented():
    read_by_settings = env_variables_read(ROOT / "tracker" / "settings.py")
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"} <= read_by_settings
    documented = read(CONTRACT) + read(DOCS / "deploy.md")
    missing = sorted(name for name in read_by_settings if f"`{name}`" not in documented)
    assert not missing, f"not in docs/contract.md or docs/deploy.md: {missing}"


def test_every_variable_in_the_deploy_tables_is_read_by_the_settings():
    read_by_settings = env_variables_read(ROOT / "tracker" / "settings.py")
    deploy = read(DOCS / "deploy.md")
    tables = deploy.split("## Configuration", 1)[1]
    listed = set()
    for line in tables.splitlines():
        if line.startswith("| `"):
            listed.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    assert len(listed) > 30
    assert listed <= read_by_settings, sorted(listed - read_by_settings)


def test_the_settings_reader_finds_every_way_of_reading_the_environment(tmp_path):
    module = tmp_path / "settings.py"
    module.write_text(
        "import os\n"
        "A = envint('ONE', 1, minimum=0)\n"
        "B = os.environ.get('TWO')\n"
        "C = os.getenv('THREE')\n"
        "D = os.environ['FOUR']\n"
        "E = 'FIVE' in os.environ\n"
        "F = other('NOT_ONE')\n"
    )
    assert env_variables_read(module) == {"ONE", "TWO", "THREE", "FOUR", "FIVE"}


# Tests, make targets and commands the docs name


def test_every_test_named_in_the_docs_exists():
    named = [(page, m) for page in PAGES for m in TEST_REFERENCE.finditer(read(page))]
    assert len(named) >= 20
    for page, match in named:
        path, parts = ROOT / match.group(1), match.group(2).strip(":").split("::")
        assert path.exists(), f"{page.name}: {match.group(0)}"
        source = read(path)
        for part in parts:
            assert re.search(rf"^\s*(?:def|class) {part}\b", source, re.M), (
                f"{page.name}: {match.group(0)}"
            )


def test_every_rule_in_the_architecture_table_names_its_test():
    rows = table_rows(read(DOCS / "architecture.md"), "## Rules, their home")
    assert len(rows) >= 15
    for rule, home, _callers, guarded_by in rows:
        assert home, rule
        assert TEST_REFERENCE.search(guarded_by), rule


def test_every_make_target_the_docs_name_exists():
    makefile = read(ROOT / "Makefile")
    targets = set(re.findall(r"^([A-Za-z][\w-]*):", makefile, re.M))
    for page in PAGES:
        for target in re.findall(r"(?:^|[\s;&|(])make[ \t]+([a-z][\w-]*)", code(read(page)), re.M):
            assert target in targets, f"{page.name}: make {target}"


def test_every_manage_py_command_the_docs_name_exists():
    commands = set(get_commands())
    for page in PAGES:
        if page == CONTRACT:
            continue
        for command in re.findall(r"manage\.py\s+([a-z_]+)", read(page)):
            assert command in commands, f"{page.name}: manage.py {command}"


# The public site's query budgets


def test_the_site_docs_give_each_pages_query_budget_as_the_test_holds_it():
    tree = ast.parse(read(ROOT / "tests" / "public" / "test_site_queries.py"))
    [bounds] = [
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "BOUNDS"
    ]
    rows = table_rows(read(DOCS / "site.md"), "## Fast by construction")
    assert {page: int(count) for page, count in rows} == bounds
