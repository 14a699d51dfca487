"""Which characters stored text may hold: the one rule, in plain Python (no Django), for the
modules that read the outside world without Django (exchange parsing, webhook deliveries) and
for tracker.text, which enforces it on every model write path."""

import re

# C0 and C1 controls except tab, LF and CR; DEL; UTF-16 surrogates (not text on their own);
# and the two noncharacters XML 1.0 forbids. None of these can be written to an Atom or RSS feed,
# and PostgreSQL refuses NUL in text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def find_control_character(value: str) -> str | None:
    match = CONTROL_CHARACTERS.search(value)
    return match.group() if match else None


def without_control_characters(value: str) -> str:
    """`value` with them left out: for text read from elsewhere (an imported review, a
    webhook receiver's answer, an article) and for output of rows stored before the rule."""
    return CONTROL_CHARACTERS.sub("", value)
