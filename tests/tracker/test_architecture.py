"""The house rules that a grep can hold: each rule's conditions are written in its one home and
called from everywhere else. (The import layers are held by import-linter: `make test` runs
`lint-imports` over the contracts in pyproject.toml.)"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("tracker", "sources", "claims", "intake", "exchange", "public", "webhooks", "demo")


def application_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


# A condition of visibility, and the modules allowed to spell it out: its definition, the model
# that declares it (constraints, the field itself) and the writes that set it.
SPELLED_ONCE = {
    r"published_review(_id)?__isnull": {"claims/visibility.py", "claims/models/claim.py"},
    r"state(__in)?\s*=\s*(AppearanceState\.PUBLIC|\"public\")|__state\"\s*:": {
        "claims/visibility.py",
        "claims/services.py",
        "claims/models/claim.py",
    },
}


@pytest.mark.parametrize("pattern", SPELLED_ONCE)
def test_visibility_conditions_are_spelled_only_in_their_home(pattern):
    allowed = SPELLED_ONCE[pattern]
    offenders = []
    for path in application_modules():
        name = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(pattern, line) and name not in allowed:
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert not offenders, "call claims.visibility instead of restating it:\n" + "\n".join(offenders)


def test_the_guard_sees_an_inline_condition():
    line = 'Appearance.objects.filter(claim=OuterRef("pk"), state=AppearanceState.PUBLIC)'
    assert any(re.search(p, line) for p in SPELLED_ONCE)
    line = "Claim.objects.filter(claim__published_review__isnull=False)"
    assert any(re.search(p, line) for p in SPELLED_ONCE)
