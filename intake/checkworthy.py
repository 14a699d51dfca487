"""The learned half of check-worthiness: a logistic regression over the rules' signals and
a few classes of sentence the rules do not name, on top of the rules' own log-odds.

Plain Python, no Django, no download: the weights are a small JSON file beside this module
(`checkworthy.json`), fitted by bench/intake_model.py on the labelled real articles
(bench/data/intake/) and read once at import. Every feature describes a class of sentence, not
a topic: which rules fired, the kinds of number it holds (years only, small counts only, a
figure of 1,000 or more, several numbers), whether it speaks to the reader ("you", "bạn"), is
a schedule (a weekday, a time of day), tells of a person ("he", "bà"), or opens on a quotation
or a conjunction, reports a view, a condition, a forecast or a duty ("cho rằng", "if",
"expected to", "cần"). Words and pairs of words were tried as features and lowered the
cross-validated precision (bench/intake.md): these few articles cannot teach a vocabulary.

Two limits keep it to what it learned from: a line the rules call boilerplate, a credit, a
caption or a heading keeps the rules' log-odds, and a sentence in which the rules find nothing
checkable (no number, date, comparison…) may be lowered but never raised. One shift, the same
for every sentence, then puts at 0.5 (`scoring.THRESHOLD`) the probability at which a
suggestion is best, left one article out.
"""

import json
import re
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("checkworthy.json")
SAME_AS = {"quantity_word": "number"}
# What the rules find checkable in a sentence: without one of these (a byline, a tweet, a line
# of names) the model may lower a sentence's score but not raise it.
CHECKABLE = {
    f"rule:{name}"
    for name in (
        "number", "percentage", "money", "quantity", "date", "comparison", "superlative", "causal",
    )
}  # fmt: skip
# Lines that are not the article's own sentences keep the rules' verdict: the model is not
# trained on them and cannot lift one into a top 10.
NOT_LEARNED = {
    f"rule:{name}"
    for name in ("boilerplate", "layout", "credit", "link_list", "heading", "caption")
}


def whole_words(*phrases: str) -> re.Pattern:
    """Whole-word, case-insensitive alternatives, longest first so "chậm hơn" beats "hơn"
    (intake.scoring's patterns are made with it too)."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, ordered)) + r")(?!\w)", re.I)


# A view reported, not a fact ("X cho rằng…", "experts believe…"), and what may happen.
VIEW = whole_words(
    "cho rằng", "nhận định", "đánh giá", "quan điểm", "nhận xét", "tin rằng", "believes",
    "believe", "argued", "argues", "thinks", "view", "opinion", "suggested", "suggests",
)  # fmt: skip
PREDICTION = whole_words(
    "dự kiến", "nhiều khả năng", "dự báo", "hứa hẹn", "expected to", "likely", "probably",
    "forecast", "predicted",
)  # fmt: skip
# Classes of sentences the rules do not name, each a feature the model weighs.
CLASSES = {
    # advice in a listicle speaks to the reader
    "you": whole_words("you", "your", "you're", "you’re", "bạn", "các bạn"),
    # schedules: a weekday or a time of day
    "schedule": re.compile(
        r"(?i)(?<!\w)(monday|tuesday|wednesday|thursday|friday|saturday|sunday|a\.m\.|p\.m\."
        r"|tonight|thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật|\d{1,2}h\d{0,2}|\d{1,2}:\d\d)(?!\w)"
    ),
    # a person's story told in the third person
    "he_she": whole_words("he", "she", "his", "her", "him", "ông", "bà", "anh", "chị", "em", "cô"),
    "i_we": whole_words("i", "me", "my", "we", "our", "us", "tôi", "chúng tôi", "mình"),
    "opens_quote": re.compile(r"^[“\"‘']"),
    "opens_with_conjunction": re.compile(r"(?i)^(?:but|and|so|or|yet|nhưng|và|còn|tuy nhiên)\b"),
    "ordinal": re.compile(r"(?i)\d+(?:st|nd|rd|th)\b|(?<!\w)thứ \d+"),
    "score_line": re.compile(r"(?<![\d.,])\d{1,2}-\d{1,2}(?![\d.,-])"),
    "time_span": whole_words(
        "minutes", "minute", "hours", "hour", "days", "weeks", "months", "phút", "giờ", "tuần"
    ),
    "view": VIEW,
    "conditional": whole_words("nếu", "if", "unless", "trường hợp"),
    "prediction": PREDICTION,
    "obligation": whole_words(
        "cần", "phải", "nên", "hãy", "must", "need to", "needs to", "have to"
    ),
    # a cheer or a call, not a statement: "Aaron Rodgers u da real MVP!"
    "exclamation": re.compile(r"!\W*$"),
    "age": re.compile(r"(?i)\d+\s*tuổi|(?<!\w)aged? \d+|\d+-year-old|, \d{1,2},"),
}


NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


def _value(number: str) -> float:
    """1,200 and 78.300 are thousands; 3,5 and 3.5 decimals."""
    if THOUSANDS.fullmatch(number):
        return float(re.sub(r"[.,]", "", number))
    whole, _, fraction = number.replace(",", ".").partition(".")
    return float(f"{whole}.{fraction.replace('.', '') or 0}")


def number_kinds(sentence: str) -> list[str]:
    """What the sentence's numbers are: years, small counts, large figures, several."""
    numbers = NUMBER.findall(sentence)
    kinds = []
    years = [n for n in numbers if re.fullmatch(r"(?:19|20)\d\d", n)]
    others = [n for n in numbers if n not in years]
    if years and not others:
        kinds.append("years_only")
    values = [_value(n) for n in others]
    if values and max(values) < 20:
        kinds.append("small_only")
    if values and max(values) >= 1000:
        kinds.append("large")
    if len(numbers) >= 2:
        kinds.append("several")
    return kinds


def features(sentence: str, fired: list[str]) -> list[str]:
    """The names of the features present in one sentence, `fired` being the rules that fired
    on it (`scoring.rules()`)."""
    # A quantity is one feature whether written in digits or in words ("hàng trăm", "two").
    found = sorted({f"rule:{SAME_AS.get(name, name)}" for name in fired})
    found += [f"class:{name}" for name, pattern in CLASSES.items() if pattern.search(sentence)]
    found += [f"numbers:{kind}" for kind in number_kinds(sentence)]
    words = sentence.split()[1:]
    if len(words) >= 4 and sum(w[:1].isupper() for w in words) >= len(words) / 2:
        found.append("class:capitalised")  # a title, a byline, a list of names
    return found


class Model:
    """Weights by feature name, and the weight of the rules' log-odds."""

    def __init__(
        self, weights: dict[str, float], rules: float = 1.0, bias: float = 0.0, shift: float = 0.0
    ):
        self.weights = weights
        self.rules = rules
        self.bias = bias
        self.shift = shift

    def logit(self, rules_logit: float, present: list[str]) -> float:
        """The log-odds of a sentence with the features `present`, the rules' being
        `rules_logit`; a line the rules call boilerplate or a heading keeps theirs. `shift`,
        added to every sentence's, changes no ranking: it puts the probability at which a
        suggestion is best (left one article out) at 0.5, the desk's threshold."""
        return self.shift + self._ranked(rules_logit, present)

    def _ranked(self, rules_logit: float, present: list[str]) -> float:
        if not self.applies(present):
            return rules_logit
        weights = self.weights
        learned = (
            self.rules * rules_logit + self.bias + sum(weights.get(f, 0.0) for f in set(present))
        )
        if not any(f in CHECKABLE for f in present):
            return min(learned, rules_logit)  # nothing to check: the model may only lower it
        return learned

    @staticmethod
    def applies(present: list[str]) -> bool:
        """Whether the model weighs a sentence with the features `present` at all."""
        return not any(f in NOT_LEARNED for f in present)

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> "Model":
        data = json.loads(path.read_text())
        return cls(data["weights"], data["rules"], data["bias"], data.get("shift", 0.0))

    def dump(self, path: Path, about: dict) -> None:
        weights = {k: round(v, 4) for k, v in sorted(self.weights.items()) if abs(v) >= 1e-4}
        data = {"about": about, "rules": round(self.rules, 4), "bias": round(self.bias, 4)}
        data["shift"] = round(self.shift, 4)
        text = json.dumps({**data, "weights": weights}, ensure_ascii=False, indent=1)
        path.write_text(text + "\n")
