"""The language of an imported review: a declared tag made tidy, or one detected from the text
(langdetect, seeded so that the same text always gets the same answer). Plain Python."""

import re
import threading

TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
MIN_DETECTED_CHARACTERS = 12
MIN_PROBABILITY = 0.85
_lock = threading.Lock()


def tag(value: str) -> str:
    """A BCP 47 tag as pages write it ("pt_BR", "EN-us", "zh-hant") in one spelling: "pt-BR",
    "en-US", "zh-Hant"; "" when `value` is not a language tag."""
    value = (value or "").strip()
    if not TAG.match(value) or len(value) > 35:
        return ""
    primary, *rest = re.split(r"[-_]", value)
    parts = [primary.lower()]
    for part in rest:
        if len(part) == 2:
            parts.append(part.upper())
        elif len(part) == 4:
            parts.append(part.title())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def primary(value: str) -> str:
    """ "pt-BR" -> "pt"."""
    return tag(value).split("-", 1)[0]


def detect(text: str) -> str:
    """The language of `text` when langdetect is sure of it (MIN_PROBABILITY), else ""."""
    if len(text.strip()) < MIN_DETECTED_CHARACTERS:
        return ""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    with _lock:  # the factory's seed is global state
        DetectorFactory.seed = 0
        try:
            best = detect_langs(text)[0]
        except LangDetectException:
            return ""
    return tag(best.lang) if best.prob >= MIN_PROBABILITY else ""
