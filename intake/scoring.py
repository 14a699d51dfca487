"""Check-worthiness: how much a sentence looks like a checkable statement, 0 to 1, and why.

Plain Python, no model download: rules a fact-checker recognises, in Vietnamese and English,
each adding to (or taking from) a log-odds score turned into 0–1 by the logistic function.
Every rule that fires is named in `reasons`, so a Reporter sees why a sentence ranks where it
does. The weights were set by hand and measured on bench/intake_labelled.tsv (bench/README.md).
"""

import math
import re
from dataclasses import dataclass

UPPER = "".join(c for c in map(chr, range(0x41, 0x1F00)) if c.isupper())
THRESHOLD = 0.5  # a sentence at or above it is suggested as check-worthy


def _words(*phrases: str) -> re.Pattern:
    """Whole-word, case-insensitive alternatives, longest first so "chậm hơn" beats "hơn"."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, ordered)) + r")(?!\w)", re.I)


def _after_number(*units: str) -> re.Pattern:
    """A number followed by one of `units` ("1 tỷ USD", "20.000 tấn", "4kg")."""
    ordered = sorted(units, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, ordered))
    return re.compile(r"\d[\d.,]*\s?(?:" + alternatives + r")(?!\w)", re.I)


# A number that is not part of a name such as "01.AI", "Yi-34B" or "GPT-4".
NUMBER = re.compile(r"(?<![\w.-])\d+(?:[.,]\d+)*(?![\w-]*[A-Z]|\.\w|-[^\W\d]|[\d.,]?\d)")
PERCENT = re.compile(
    r"\d+(?:[.,]\d+)?\s?%|(?<!\w)(phần trăm|percent|per cent|percentage points?)(?!\w)", re.I
)
MONEY = _after_number(
    "usd", "đồng", "vnd", "tỷ", "nghìn tỷ", "triệu", "euro", "yuan", "nhân dân tệ",
    "billion", "million", "trillion", "dollars", "pounds",
)  # fmt: skip
CURRENCY_SIGN = re.compile(r"[$€£¥₫]\s?\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)*\s?[₫€]")
UNIT = _after_number(
    "tấn", "mét", "km", "kg", "ha", "lít", "người", "tháng tuổi", "lần", "mw", "gw",
    "tons", "tonnes", "metres", "meters", "miles", "km", "people", "times", "barrels",
)  # fmt: skip
DATE = re.compile(
    r"(?<!\w)(năm|tháng|quý|ngày)\s+\d{1,4}(?!\w)|(?<![\w.-])(19|20)\d{2}(?![\w-])"
    r"|(?<!\w)(January|February|March|April|May|June|July|August|September|October|November"
    r"|December|năm ngoái|last year|this year|năm nay)(?!\w)",
    re.I,
)
COMPARISON = _words(
    "hơn", "chậm hơn", "nhanh hơn", "tụt hậu", "vượt", "vượt trội", "so với", "gấp",
    "tăng", "giảm", "kém", "ít nhất", "nhiều nhất", "more", "less", "fewer", "than", "ahead",
    "behind", "overtook", "outperforms", "doubled", "tripled", "rose", "fell", "increased",
    "decreased", "grew", "at least",
)  # fmt: skip
SUPERLATIVE = _words(
    "nhất", "dẫn đầu", "hàng đầu", "đầu tiên", "duy nhất", "kỷ lục", "most", "least",
    "largest", "biggest", "highest", "lowest", "best", "worst", "first", "only", "record",
    "leading", "top",
)  # fmt: skip
ATTRIBUTION = _words(
    "cho biết", "nói", "ước tính", "theo", "khẳng định", "tuyên bố", "chia sẻ", "cho rằng",
    "thừa nhận", "công bố", "báo cáo", "số liệu", "said", "says", "according to", "estimated",
    "estimates", "claimed", "claims", "told", "stated", "announced", "reported", "figures",
)  # fmt: skip
OPINION = _words(
    "tôi nghĩ", "tôi tin", "nên", "mong muốn", "hy vọng", "có lẽ", "dường như",
    "i think", "i believe", "we hope", "should", "might", "perhaps", "in my view",
    "it seems", "would like",
)  # fmt: skip
CREDIT = re.compile(
    r"^(theo|nguồn|ảnh|video|đồ họa|source|sources|photo|photos|credit|by|reporting by"
    r"|read more|xem thêm|tin liên quan|related)\s*:",
    re.I,
)
LINK_LIST = re.compile(r"^[-•*►»]\s|^\d{1,2}[-/]\d{1,2}[-/]\d{2,4}\S")
NAME = re.compile(rf"(?<!^)(?<![.!?]\s)\b[{UPPER}][\w-]*[a-zà-ỹ][\w-]*")
QUOTATION = re.compile(r"[“\"].{12,}[”\"]")
TERMINAL = '.!?…”"’)»'

WEIGHTS = {
    "number": 1.3,
    "percentage": 0.8,
    "money": 0.8,
    "quantity": 0.5,
    "date": 0.4,
    "comparison": 1.1,
    "superlative": 0.7,
    "attribution": 0.9,
    "quotation": 0.5,
    "named_entity": 0.4,
    "question": -2.5,
    "opinion": -0.9,
    "heading": -2.5,
    "link_list": -5.0,
    "credit": -5.0,
    "too_short": -1.5,
}
BIAS = -1.7


@dataclass(frozen=True)
class Score:
    value: float
    reasons: list[str]


def _found(pattern: re.Pattern, text: str) -> str | None:
    match = pattern.search(text)
    return match.group(0).strip() if match else None


def score(sentence: str) -> Score:
    """The check-worthiness of one sentence, with every rule that fired ("number: 200")."""
    text = sentence.strip()
    fired: dict[str, str] = {}
    words = text.split()

    def check(name: str, found: str | None) -> None:
        if found:
            fired[name] = found

    check("number", _found(NUMBER, text))
    check("percentage", _found(PERCENT, text))
    check("money", _found(CURRENCY_SIGN, text) or _found(MONEY, text))
    check("quantity", _found(UNIT, text))
    check("date", _found(DATE, text))
    check("comparison", _found(COMPARISON, text))
    check("superlative", _found(SUPERLATIVE, text))
    check("attribution", _found(ATTRIBUTION, text))
    check("quotation", "“…”" if QUOTATION.search(text) else None)
    names = NAME.findall(text)
    check("named_entity", ", ".join(dict.fromkeys(names[:3])) if names else None)
    check("question", "?" if text.endswith("?") or text.endswith("?”") else None)
    if not fired.get("number"):
        check("opinion", _found(OPINION, text))
    check("link_list", "list line" if LINK_LIST.search(text) else None)
    check("credit", _found(CREDIT, text))
    if text and text[-1] not in TERMINAL and len(words) < 30:
        fired["heading"] = "no closing punctuation"
    if len(words) < 6:
        fired["too_short"] = f"{len(words)} words"

    logit = BIAS + sum(WEIGHTS[name] for name in fired)
    value = round(1 / (1 + math.exp(-logit)), 3)
    return Score(value, [f"{name}: {found}" for name, found in fired.items()])
