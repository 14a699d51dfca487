"""Suggest who said each sentence of an article, from the sentence and the ones before it.

The caller passes the known speakers. In order of evidence: an
attribution naming someone ("Jenny Xiao, …, cho biết", "”, ông Li nói", "Theo Alain Le
Couedic,", "said Kevin Xu"), a known speaker named in a sentence that attributes, a role
("CEO của Baidu"), then the closest preceding attribution for a sentence that continues it
(a quotation, a pronoun such as "Bà cũng…", or the rest of the same paragraph), unless an
attribution to someone not named comes between ("Experts say", "Theo báo cáo"): generic
subjects ("Officials", "Analysts") and dates ("said Tuesday") are never names. "ông Li" is
resolved to the known speaker last named in full before it: the seed has both Robin Li and Xu Li.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from claims.search import words
from intake.scoring import UPPER

# Forms of address and titles, kept out of the suggested name: "Sen. John Smith" is John Smith.
HONORIFIC = (
    r"(?i:ông|bà|anh|chị|giáo sư|tiến sĩ|phó thủ tướng|thủ tướng|tổng thống|chủ tịch|bộ trưởng"
    r"|thứ trưởng|tổng giám đốc|giám đốc|đại sứ|người phát ngôn|phát ngôn viên"
    r"|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Prof\.?|Professor|Vice President|President|Prime Minister"
    r"|Minister|Secretary|Sen\.|Senator|Rep\.|Representative|Gov\.|Governor|Mayor|Judge"
    r"|Gen\.|General|Ambassador|Chairman|Chairwoman)"
)
TOKEN = rf"[{UPPER}][\w'’.-]*"
# Capitalised words, joined by the particles names and institutions hold: "Alain Le Couedic",
# "Ludwig van Beethoven", "Bank of England", "Center for Security and Emerging Technology".
NAME = rf"{TOKEN}(?:(?:\s+(?:de|van|von|bin|al|of|for|and))?\s+{TOKEN})*"
THE = r"(?:[Tt]he\s+)?"  # "the Labor Department said": the institution, not "the"
VERBS_VI = (
    r"cho biết|nói|khẳng định|chia sẻ|ước tính|tuyên bố|cho rằng|thừa nhận|nhận định|phát biểu"
)
VERBS_EN = (
    r"said|says|say|told|estimated|estimates|claimed|added|stated|argued|warned|noted|insisted"
    r"|wrote|predicted|acknowledged|admitted"
)
# Verbs whose subject may follow them ("…, said Kevin Xu"); not "told", whose object follows it.
VERBS_BEFORE_NAME = r"said|says|estimated|claimed|added|stated|argued|warned|noted|insisted|wrote"
VERBS = rf"(?i:{VERBS_VI}|{VERBS_EN})"
APPOSITION = r"(?:,[^“”\"]{0,200}?,)?"

ATTRIBUTIONS = [
    # Name at the head of a clause, an optional apposition, then the verb.
    re.compile(
        rf"(?:^|[.,:;]\s+|—\s*){HONORIFIC}?\s*{THE}({NAME}){APPOSITION}\s*(?:đã\s+|cũng\s+|has\s+)?"
        rf"{VERBS}(?!\w)",
    ),
    # After a closing quotation mark: ”, ông Li nói.
    re.compile(rf"[”\"’],?\s*{HONORIFIC}?\s*({NAME})\s+{VERBS}(?!\w)"),
    re.compile(rf"(?:^|\s)(?:Theo|According to)\s+{HONORIFIC}?\s*({NAME})(?=\s*,)"),
    re.compile(rf"(?<!\w)(?:{VERBS_BEFORE_NAME})\s+{HONORIFIC}?\s*{THE}({NAME})"),
]
ATTRIBUTING = re.compile(rf"(?<!\w){VERBS}(?!\w)|(?:^|[,.]\s)(?:Theo|According to|according to)\s")
ROLE = re.compile(
    r"(?i:CEO|giám đốc điều hành|tổng giám đốc|chủ tịch|người sáng lập|nhà sáng lập|founder"
    rf"|chief executive|chairman|president)\s+(?i:của|of)\s+({NAME})"
)
CONTINUES = re.compile(
    rf"^(?:[“\"‘]|(?:Ông|Bà|Anh|Chị|Họ|He|She|They)\s)|^{HONORIFIC}\s+(?:cũng|còn|thêm)\s"
)
# Capitalised words that start a clause but are not names.
NOT_NAMES = {
    "the", "theo", "trong", "khi", "cả", "các", "những", "một", "this", "that", "it", "these",
    "those", "there", "some", "many", "most", "others", "both", "all", "one", "a", "an", "our",
    "its", "their", "his", "her", "nhiều", "mọi", "đây", "điều",
    # pronouns: the sentence continues someone named before
    "ông", "bà", "anh", "chị", "họ", "chúng", "tôi", "he", "she", "they", "we", "i", "you",
    # when, not who: "the minister said Tuesday"
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tomorrow", "last", "next", "earlier", "later", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
    # people in general, not a speaker one could name
    "officials", "experts", "analysts", "researchers", "scientists", "economists", "critics",
    "sources", "authorities", "observers", "investors", "lawmakers", "residents", "police",
    "prosecutors", "officers", "witnesses", "doctors", "scholars", "insiders", "executives",
    "diplomats", "regulators", "engineers", "leaders", "studies", "data", "figures",
    "reports", "estimates", "polls", "surveys", "statistics", "people", "users", "supporters",
    "opponents", "members", "employees", "workers", "teachers", "students", "parents",
}  # fmt: skip


@dataclass(frozen=True)
class KnownSpeaker:
    id: int
    name: str
    role: str = ""


@dataclass(frozen=True)
class Suggestion:
    name: str
    speaker_id: int | None  # None: a new name, not yet a Speaker
    reason: str


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...], at: int) -> bool:
    return haystack[at : at + len(needle)] == needle


class _Resolver:
    """Known speakers by full name and by each word of their name and role, with who was
    named last. Names and roles are folded into words once and indexed by word, so each
    sentence costs the same with ten known speakers or a hundred thousand."""

    def __init__(self, known: list[KnownSpeaker]):
        self.names = {s.id: tuple(words(s.name)) for s in known}
        self.by_name: dict[tuple[str, ...], KnownSpeaker] = {}
        self.with_word: dict[str, set[int]] = defaultdict(set)
        self.roles: dict[int, tuple[str, ...]] = {}
        self.with_role_word: dict[str, set[int]] = defaultdict(set)
        self.speakers = {s.id: s for s in known}
        for speaker in known:
            name = self.names[speaker.id]
            if name:
                self.by_name.setdefault(name, speaker)
            for word in name:
                self.with_word[word].add(speaker.id)
            self.roles[speaker.id] = role = tuple(words(speaker.role))
            for word in role:
                self.with_role_word[word].add(speaker.id)
        self.lengths = sorted({len(name) for name in self.by_name})
        self.last_named: dict[int, int] = {}

    def _named(self, sentence: str) -> list[KnownSpeaker]:
        """Known speakers named in full in `sentence`, in the order they first appear."""
        tokens = tuple(words(sentence))
        found: dict[int, KnownSpeaker] = {}
        for at in range(len(tokens)):
            for length in self.lengths:
                speaker = self.by_name.get(tokens[at : at + length])
                if speaker is not None:
                    found.setdefault(speaker.id, speaker)
        return list(found.values())

    def note_mentions(self, sentence: str, position: int) -> None:
        for speaker in self._named(sentence):
            self.last_named[speaker.id] = position

    def _having(self, index: dict[str, set[int]], tokens: tuple[str, ...]) -> set[int]:
        if not tokens:
            return set()
        return set.intersection(*(index.get(token, set()) for token in tokens))

    def resolve(self, name: str) -> KnownSpeaker | None:
        tokens = tuple(words(name))
        if tokens in self.by_name:
            return self.by_name[tokens]
        candidates = self._having(self.with_word, tokens)
        if not candidates:
            return None
        best = max(candidates, key=lambda pk: (self.last_named.get(pk, -1), -pk))
        return self.speakers[best]

    def named_in(self, sentence: str) -> KnownSpeaker | None:
        """The first known speaker named in full in `sentence`."""
        named = self._named(sentence)
        return named[0] if named else None

    def by_role(self, organisation: str) -> KnownSpeaker | None:
        org = tuple(words(organisation))
        holders = [
            pk
            for pk in self._having(self.with_role_word, org)
            if self.names[pk] != org
            and any(_contains(self.roles[pk], org, at) for at in range(len(self.roles[pk])))
        ]
        return self.speakers[holders[0]] if len(holders) == 1 else None


def _attributed_name(sentence: str) -> str | None:
    for pattern in ATTRIBUTIONS:
        for match in pattern.finditer(sentence):
            name = match.group(1).strip(" .")
            if name.split()[0].lower() not in NOT_NAMES:
                return name
    return None


def _suggest_one(sentence: str, resolver: _Resolver) -> Suggestion | None:
    name = _attributed_name(sentence)
    if name:
        speaker = resolver.resolve(name)
        if speaker:
            return Suggestion(speaker.name, speaker.id, f"attribution: {name}")
        return Suggestion(name, None, f"attribution to a new name: {name}")
    if ATTRIBUTING.search(sentence):
        speaker = resolver.named_in(sentence)
        if speaker:
            return Suggestion(
                speaker.name, speaker.id, f"named with an attribution: {speaker.name}"
            )
        role = ROLE.search(sentence)
        speaker = resolver.by_role(role.group(1)) if role else None
        if speaker and role:
            return Suggestion(speaker.name, speaker.id, f"role: {role.group(0)}")
    return None


def suggest(paragraphs: list[list[str]], known: list[KnownSpeaker]) -> list[Suggestion | None]:
    """One suggestion (or None) per sentence, sentences given paragraph by paragraph."""
    resolver = _Resolver(known)
    suggestions: list[Suggestion | None] = []
    last: Suggestion | None = None
    for paragraph in paragraphs:
        last_here: Suggestion | None = None
        for sentence in paragraph:
            suggestion = _suggest_one(sentence, resolver)
            continues = CONTINUES.search(sentence)
            if suggestion is None and ATTRIBUTING.search(sentence) and not continues:
                # Said by someone not named ("Experts say", "Theo báo cáo"): neither this
                # sentence nor the ones after it are the last named speaker's.
                last_here = last = None
            elif suggestion is None:
                previous = last_here or (last if continues else None)
                if previous is not None:
                    suggestion = Suggestion(
                        previous.name, previous.speaker_id, f"continues: {previous.name}"
                    )
            else:
                last_here = last = suggestion
            resolver.note_mentions(sentence, len(suggestions))
            suggestions.append(suggestion)
    return suggestions
