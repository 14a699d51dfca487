"""Suggest who said each sentence of an article, from the sentence and the ones around it.

The caller passes the known speakers. In order of evidence:

- an attribution in the sentence that grammatically owns it: the subject just before a verb
  of saying ("Jenny Xiao, …, cho biết", "Pentagon spokesman Mark Wright said", "X told him:",
  "X recalled"), the name just after a closing quotation mark ("”, ông Li nói"), a verb then
  its subject ("said Kevin Xu," "writes Beyer,"), "Theo X," / "According to X,";
- a pronoun that says ("”, he said", "bà nói", "ông cho biết thêm") is the person named last;
- a known speaker named in a sentence that attributes, or by a role ("CEO của Baidu");
- a quotation runs over several sentences: all of them are the speaker its attribution names,
  whether the attribution comes before the quotation or after it;
- a sentence that continues (a quotation, a pronoun such as "Bà cũng…", the rest of the same
  paragraph) is the closest preceding attribution's, unless an attribution to someone not
  named comes between ("Experts say", "Theo báo cáo"): generic subjects ("Officials",
  "Analysts") and dates ("said Tuesday") are never names.

A short name is the full name the article gave before ("Nga" is Nguyễn Thị Việt Nga, "Holtz"
is Lou Holtz, "ông Li" the Li named last); then it is resolved to a known speaker: the seed
has both Robin Li and Xu Li. A named spokesman is the speaker, not his institution. When
nothing owns a sentence, no speaker is suggested rather than a wrong one.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from claims.search import words
from intake.scoring import UPPER

# Forms of address, titles and posts, kept out of the suggested name: "Sen. John Smith" is
# John Smith, "Ngoại trưởng Indonesia, bà Retno Marsudi" is Retno Marsudi.
HONORIFIC = (
    r"(?:(?i:ông|bà|anh|chị|em|cô|thầy|nguyên|nữ|phó|giáo sư|tiến sĩ|thủ tướng|tổng thống"
    r"|chủ tịch|bộ trưởng|thứ trưởng|tổng giám đốc|giám đốc|đại sứ|ngoại trưởng|người phát ngôn"
    r"|phát ngôn viên|vụ trưởng|cục trưởng|viện trưởng|hiệu trưởng|trưởng khoa|đại tá|tướng)"
    r"|GS|PGS|TS|ThS|BS|BSCK[12I]*|PGS\.TS|GS\.TS|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Prof\.?|Professor"
    r"|Vice President|President|Prime Minister|Minister|Secretary|Sen\.|Senator|Rep\.|State Sen\."
    r"|Representative|Gov\.|Governor|Mayor|Judge|Gen\.|General|Ambassador|Chairman|Chairwoman"
    r"|Sir|Lord|Lady|Dame|Prince|Princess|King|Queen|Duke|Duchess)"
)
# Words of a post inside a run of capitals: "Foreign Minister Retno Marsudi" is Retno Marsudi.
TITLE_WORDS = {
    "minister", "secretary", "president", "senator", "governor", "mayor", "ambassador",
    "chairman", "chairwoman", "spokesman", "spokeswoman", "director", "chief", "ceo", "prince",
    "princess", "king", "queen", "duke", "duchess", "sir", "lord", "lady", "dame", "mr", "mrs",
    "ms", "dr", "prof", "professor", "judge", "sen", "rep", "gov", "trưởng", "thống", "tướng",
    "tịch", "sứ", "ts", "pgs", "gs", "bs", "supervisor", "ranger", "oceanographer", "analyst",
    "economist", "meteorologist", "manager", "officer", "correspondent", "reporter", "veteran",
    "advocate", "founder", "executive", "lawyer", "attorney", "researcher", "scientist",
    "streeter", "strategist", "editor", "coach", "captain", "commissioner", "inspector",
    # ranks and police or court jobs: "Lt. David Lelevier", "Investigator Robert Cornett"
    "lt", "sgt", "capt", "cpl", "det", "lieutenant", "sergeant", "detective", "investigator",
    "deputy", "sheriff", "prosecutor", "hlv",
}  # fmt: skip
# Job nouns before a name that make it the person's: "Pentagon spokesman Mark Wright said".
POST_BEFORE = re.compile(
    r"(?i:spokesman|spokeswoman|spokesperson|analyst|economist|meteorologist|director|manager"
    r"|chief|supervisor|oceanographer|professor|researcher|scientist|founder|executive|lawyer"
    r"|attorney|official|minister|secretary|correspondent|editor|coach|investor)\s*$"
)
INSTITUTION_END = {
    "department", "ministry", "center", "centre", "agency", "organization", "organisation",
    "bank", "council", "committee", "commission", "institute", "university", "court", "group",
    "foundation", "association", "office", "service", "board", "fund", "police",
    "administration", "authority", "bureau", "corporation", "party", "network", "reserve",
}  # fmt: skip
PARTICLES = {"van", "von", "de", "bin", "al", "le", "da", "di"}
# The usual Vietnamese family names: a run of capitals in a Vietnamese sentence is a person's
# name from one of them on ("Thấy Lan ham học" names Lan, not "Thấy Lan").
VIETNAMESE_SURNAMES = {
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ",
    "hồ", "ngô", "dương", "lý", "đào", "đinh", "mai", "trịnh", "trương", "lâm", "đoàn", "tạ",
    "hà", "lưu", "cao", "chu", "thái", "tô", "quách", "lương", "kiều", "vương", "triệu", "đồng",
    "tăng", "lại", "từ", "hứa", "khổng", "mạc", "nông", "thân", "phùng", "châu",
}  # fmt: skip
MALE = re.compile(r"(?:\b(?:Mr|Sir|Lord|Prince|King|Duke)\.?|(?i:ông|anh|thầy))\s+$")
FEMALE = re.compile(
    r"(?:\b(?:Mrs|Ms|Miss|Lady|Dame|Princess|Queen|Duchess)\.?|(?i:bà|chị|cô|nữ))\s+$"
)
HONORIFICS = rf"(?:{HONORIFIC}\s+)*"
TOKEN = rf"[{UPPER}][\w'’.&-]*"
# Capitalised words, joined by the particles names and institutions hold: "Alain Le Couedic",
# "Ludwig van Beethoven", "Bank of England", "Center for Security and Emerging Technology".
NAME = (
    rf"(?:(?:van|von|de|le|da|di)\s+)?{TOKEN}"
    rf"(?:(?:\s+(?:de|van|von|bin|al|of|for|and))?\s+{TOKEN})*"
)
THE = r"(?:[Tt]he\s+)?"  # "the Labor Department said": the institution, not "the"
VERBS_VI = (
    r"cho biết thêm|cho biết|nói thêm|nói|khẳng định|chia sẻ|ước tính|tuyên bố|cho rằng"
    r"|thừa nhận|nhận định|phát biểu|nhấn mạnh|giải thích|lý giải|tâm sự|nêu quan điểm|nêu rõ"
    r"|xác nhận|bác bỏ|phủ nhận|kiến nghị|khuyến cáo|đánh giá|thông tin|trả lời|đáp|viết"
    r"|phỏng đoán|dự đoán|cho hay|tiết lộ|bày tỏ|lập luận|nhận xét|cảnh báo|kể"
)
VERBS_EN = (
    r"said|says|say|told|tells|estimated|estimates|claimed|claims|added|adds|stated|argued"
    r"|warned|noted|insisted|wrote|writes|predicted|acknowledged|admitted|recalled|explained"
    r"|tweeted|joked|reported|reports|suggested|suggests|complained|announced|declared"
    r"|asked|replied|continued|concluded|cautioned|conceded|countered|quipped|remarked"
    r"|observed|responded|answered|recounted|testified|mused|wondered|saying"
)
# Verbs whose subject may follow them ("…, said Kevin Xu"); not "told", whose object follows it.
VERBS_BEFORE_NAME = (
    r"said|says|estimated|claimed|added|adds|stated|argued|warned|noted|insisted|wrote|writes"
    r"|reports|reported|recalled|explained|tweeted|declared|asked|replied|continued|nói"
    r"|quipped|remarked|observed|responded|answered"
)
VERBS = rf"(?i:{VERBS_VI}|{VERBS_EN})"
PAREN = r"(?:\s*\([^()]{0,60}\))?"  # "Sen. Dawn Addiego (R-Burlington)"
APPOSITION = r"(?:,[^“”\"]{0,200}?,)?"
# Vietnamese puts the post after the name with no closing comma: "ông Lê Duy Minh, Cục trưởng
# Cục Thuế TPHCM cho biết".
POST_VI = (
    r"(?:,\s*(?i:cục trưởng|vụ trưởng|viện trưởng|hiệu trưởng|trưởng khoa|trưởng ban|trưởng phòng"
    r"|giám đốc|tổng giám đốc|phó|chủ tịch|bộ trưởng|thứ trưởng|giáo viên|đại diện|người phát ngôn"
    r"|chuyên gia|bác sĩ|giáo sư|đối tác|người sáng lập|nhà sáng lập|CEO|chủ nhiệm|nguyên|chủ"
    r"|trưởng|nhân viên|sinh viên|học sinh|cán bộ|thành viên|tác giả|nhà|ca sĩ|diễn viên"
    r"|cầu thủ|HLV|huấn luyện viên|người dân|cư dân)"
    r"[^“”\"]{0,160}?)?"
)
AT = (
    rf"(?:\s+(?:at|from|with|of the)\s+(?:the\s+)?{TOKEN}(?:\s+{TOKEN}){{0,4}}"
    r"|\s+(?:từ|thuộc|tại)\s+[^,.;:“”\"]{1,40}?)?"
)
WHEN = r"(?:\s+(?:ngày|hôm|chiều|sáng|tối|on)\s+[\w/]+)?"  # "Matt Pottinger ngày 30/9 nói"
# Someone not named, though a name follows: "Quan chức Mỹ nói", "a spokesman for Google said".
UNNAMED_BEFORE = re.compile(
    r"(?i:quan chức|chuyên gia|đại diện|nguồn tin|giới phân tích|nhà nghiên cứu|của|official"
    r"|spokesman for|spokeswoman for|spokesperson for|member of|source close to|for|at|of)\s*$"
)
# Where a run of capitals stops being an institution or a place and starts being a person:
# "Chủ tịch Ủy ban Tình báo Hạ viện Mỹ Adam Schiff", "Bộ GD&ĐT Nguyễn Minh Hiển",
# "Macmillan CEO John Sargent", "Ngoại trưởng Indonesia Retno Marsudi".
PLACES = {
    "mỹ",
    "indonesia",
    "việt",
    "nam",
    "quốc",
    "nhật",
    "pháp",
    "đức",
    "úc",
    "anh",
    "nga",
    "trắng",
    "hà",
    "nội",
    "tphcm",
    "azerbaijan",
    "armenia",
    "uk",
    "us",
    "u.s.",
}
AGE = r"(?:,\s*\d{1,3},)?"  # "Rene, 37, said"
# A body named by a capitalised word and a common noun: "the Scottish government said".
BODY = (
    r"(?i:government|ministry|department|police|agency|army|military|navy|company|airline"
    r"|group|court|council|committee|office|foundation|institute|university|commission)"
)
# A Vietnamese body, whose name runs on in lower case: "Cục Quản lý Đăng ký kinh doanh",
# "UBND huyện Phước Sơn", "Bộ Ngoại giao Mỹ".
BODY_VI = (
    r"(?:Bộ|Cục|Sở|Tổng cục|Viện|Trung tâm|Ủy ban|Uỷ ban|UBND|Ngân hàng|Tập đoàn|Công ty"
    r"|Bệnh viện|Hội đồng)\s+[^,.;:“”\"]{2,50}?"
)
PRONOUN = r"([Hh]e|[Ss]he|[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Ee]m|[Cc]ô)"
CAPS = re.compile(rf"[{UPPER}]")

ATTRIBUTIONS = [
    # After a closing quotation mark: ”, ông Li nói. / ”, said Kevin Xu. / " - ông Hiển nêu…
    re.compile(
        rf"[”\"’][,.]?\s*[-–—]?\s*{HONORIFICS}({NAME}){AGE}(?:\s+[a-zà-ỹ]+){{0,3}}?\s+(?:{VERBS})(?!\w)"
    ),
    re.compile(rf"[”\"’],?\s*(?:{VERBS_BEFORE_NAME})\s+{HONORIFICS}{THE}({NAME})(?=\s*[,.]|$)"),
    # A Vietnamese person, the post after the name: "ông Lê Duy Minh, Cục trưởng … cho biết".
    re.compile(
        rf"(?<!\w){HONORIFICS}({NAME}){POST_VI}{WHEN}\s*(?:đã\s+|cũng\s+)?(?:{VERBS})(?!\w)"
    ),
    # A subject just before its verb, with an optional age, date or apposition between.
    re.compile(
        rf"(?<!\w){HONORIFICS}{THE}({NAME}){PAREN}{AGE}{AT}{APPOSITION}{WHEN}\s*"
        rf"(?:đã\s+|cũng\s+|has\s+|had\s+|then\s+|also\s+)?(?:{VERBS})(?!\w)"
    ),
    re.compile(rf"{THE}({TOKEN}(?:\s+{TOKEN})*\s+{BODY})\s+(?:{VERBS})(?!\w)"),
    re.compile(
        rf"(?:^|\s)(?i:theo|according to)(?:\s+(?:quan điểm|ý kiến|đánh giá)\s+của)?\s+"
        rf"{HONORIFICS}{THE}(?:an?\s+(?:recent\s+|new\s+)?)?({NAME})"
        r"(?:\s+(?:analysis|survey|report|study|estimates|data|figures|poll))?(?=\s*[,.]|\s+[-–—]|$)"
    ),
    re.compile(
        rf"(?:^|[,.]\s+)({BODY_VI})(?:\s+(?:trong|vào|hôm|ngày|chiều|sáng)\s+[^,“”\"]{{1,20}}?)?"
        r"\s+(?:cho biết|thông báo|công bố|khẳng định|cho rằng)(?!\w)"
    ),
    re.compile(rf"(?:^|\s)(?i:theo)\s+({BODY_VI})(?=\s*[,.]|\s+[-–—]|$)"),
    # A verb then its subject, closing the clause: "…, said Kevin Xu." / "writes Beyer,".
    re.compile(
        rf"(?<!\w)(?:{VERBS_BEFORE_NAME})\s+{HONORIFICS}{THE}({NAME})"
        r"(?=\s*[,.;:]|\s*$|,?\s+(?:an?|the)\s|\s+(?:of|about|to|on|as|in)\s)"
    ),
]
# A statement put out: "Amazon released a separate statement saying, “…”".
ATTRIBUTIONS.append(
    re.compile(
        rf"(?:^|[,;]\s+){THE}({NAME})\s+(?:released|issued|put out|posted|sent)\s+(?:an?\s+)?"
        r"(?:[\w-]+\s+){0,2}?statement\s+(?:saying|that)(?!\w)"
    )
)
# A name giving its own word for something: "Todd Lehmacher called the impact “pretty minimal”".
CALLED = r"called\s+[^“”\".;]{1,80}?[“\"]"
ATTRIBUTIONS.append(re.compile(rf"(?:^|[,;]\s+){HONORIFICS}{THE}({NAME}){AGE}\s+{CALLED}"))
BODY_PATTERNS = ATTRIBUTIONS[6:8]  # named whole: "UBND huyện Phước Sơn" is not cut at "UBND"
# "”, he said." / "bà nói." / "Ông khẳng định rằng…": a pronoun saying, after a quote or
# opening the sentence.
PRONOUN_SAYS = re.compile(
    rf"(?:[”\"’][,.]?\s*[-–—]?\s*|^|[.;:,]\s+|^[A-Z][a-z]+ing\s[^“”\".;:,]{{0,60}}?\s)"
    rf"{PRONOUN}\s+(?:(?:cũng|also|then|còn)\s+)?"
    rf"(?:{VERBS})(?!\w)"
)
# A quotation with its own attribution to someone unnamed: "”, một nguồn tin cho biết."
QUOTE_SAID = re.compile(rf"[”\"][,.]?\s*[-–—]?\s*[^“”\"]{{0,60}}?(?:{VERBS})(?!\w)")
ATTRIBUTING = re.compile(
    rf"(?<!\w){VERBS}(?!\w)|(?:^|[,.]\s)(?i:theo|according to)\s|(?<!\w){CALLED}"
)
ROLE = re.compile(
    r"(?i:CEO|giám đốc điều hành|tổng giám đốc|chủ tịch|người sáng lập|nhà sáng lập|founder"
    rf"|chief executive|chairman|president)\s+(?i:của|of)\s+({NAME})"
)
CONTINUES = re.compile(
    rf"^(?:[“\"‘]|(?:Ông|Bà|Anh|Chị|Họ|He|She|They)\s)|^{HONORIFIC}\s+(?:cũng|còn|thêm)\s"
)
OPENING_QUOTES = '“"'
# Capitalised words that start a clause but are not names.
NOT_NAMES = {
    "the", "theo", "trong", "khi", "cả", "các", "những", "một", "this", "that", "it", "these",
    "those", "there", "some", "many", "most", "others", "both", "all", "one", "a", "an", "our",
    "its", "their", "his", "her", "nhiều", "mọi", "đây", "điều", "and", "but", "so", "yet",
    "as", "if", "while", "when", "no", "asked", "still", "however", "also", "later", "what",
    "who", "how", "why", "where", "which",
    # pronouns: the sentence continues someone named before
    "ông", "bà", "anh", "chị", "họ", "chúng", "tôi", "he", "she", "they", "we", "i", "you",
    "cô", "em", "cậu", "mình",
    # when, not who: "the minister said Tuesday"
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tomorrow", "last", "next", "earlier", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
    # people in general, not a speaker one could name
    "officials", "experts", "analysts", "researchers", "scientists", "economists", "critics",
    "sources", "authorities", "observers", "investors", "lawmakers", "residents", "police",
    "prosecutors", "officers", "witnesses", "doctors", "scholars", "insiders", "executives",
    "diplomats", "regulators", "engineers", "leaders", "studies", "data", "figures",
    "reports", "estimates", "polls", "surveys", "statistics", "people", "users", "supporters",
    "opponents", "members", "employees", "workers", "teachers", "students", "parents",
    "investigators", "forecasters", "pilots", "organizers", "organisers", "relatives",
    "chuyên", "giới", "quan", "đại", "nguồn", "người", "nhà", "cư", "báo", "số", "dữ",
}  # fmt: skip
# Vietnamese words that open a clause, capitalised at its start: "Dù Messi khẳng định" names
# Messi.
CLAUSE_OPENERS_VI = {
    "dù", "mặc", "dẫu", "tuy", "nhưng", "nếu", "vì", "bởi", "nhờ", "ngoài", "sau", "trước",
    "tại", "ở", "với", "về", "từ", "còn", "rồi", "thậm", "chưa", "đến", "khi", "trong",
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
        self.names = {s.id: _folded_name(s.name) for s in known}
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
            self.roles[speaker.id] = role = _folded_name(speaker.role)
            for word in role:
                self.with_role_word[word].add(speaker.id)
        self.lengths = sorted({len(name) for name in self.by_name})
        self.last_named: dict[int, int] = {}

    def _named(self, sentence: str) -> list[KnownSpeaker]:
        """Known speakers named in full in `sentence`, in the order they first appear."""
        if not self.lengths:
            return []
        tokens = _folded(sentence)
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


def _person_in(run: str) -> str:
    """The person at the end of a run of capitals, when an institution or place leads it."""
    tokens = re.sub(r"[’']s?$", "", run).split()
    for i in range(len(tokens) - 1, 0, -1):
        token = tokens[i - 1]
        if token.strip(".,").lower() in TITLE_WORDS or token.endswith(("’s", "'s", "’", "'")):
            tokens = tokens[i:]
            break
    if (
        len(tokens) > 3
        and run.isascii()
        and tokens[-1].lower() not in INSTITUTION_END
        and not PARTICLES & {t.lower() for t in tokens}
        and not {"of", "for", "and"} & {t.lower() for t in tokens}
    ):
        tokens = tokens[-3:] if len(tokens[-3]) <= 3 else tokens[-2:]  # "J. C. Chandor"
    for i in range(len(tokens) - 2, 0, -1):
        token = tokens[i - 1]
        is_acronym = sum(c.isupper() for c in token) >= 2 or "&" in token
        if is_acronym or token.lower() in PLACES:
            return " ".join(tokens[i:])
    return " ".join(tokens)


@lru_cache(maxsize=4096)
def _folded(text: str) -> tuple[str, ...]:
    return tuple(words(text))


@lru_cache(maxsize=262_144)
def _folded_name(text: str) -> tuple[str, ...]:
    """A known speaker's name or role folded, kept for the process: a worker extracting one
    article after another folds the archive's names once, not once an article (two thirds of
    an extraction's time with 5,000 known speakers)."""
    return tuple(words(text))


def _usable(name: str) -> str | None:
    tokens = name.strip(" .,’'").split()
    while len(tokens) > 1 and tokens[0].lower() in CLAUSE_OPENERS_VI:
        tokens.pop(0)
    name = _person_in(" ".join(tokens))
    first = name.split()[0].lower() if name else ""
    if len(name.split()) == 1 and first in INSTITUTION_END:
        return None  # "the … Employers’ Association": the tail of a name cut at a possessive
    return name if name and first not in NOT_NAMES else None


def _attributed_name(sentence: str) -> tuple[str, str] | None:
    """The name an attribution in `sentence` gives its speaker, the one nearest its quote, and
    the sex its form of address tells ("m", "f" or "")."""
    if not ATTRIBUTING.search(sentence):  # every form below holds a verb of saying or "theo"
        return None
    for pattern in ATTRIBUTIONS:
        for match in pattern.finditer(sentence):
            before = sentence[: match.start(1)]
            if UNNAMED_BEFORE.search(before):
                continue
            if pattern in BODY_PATTERNS:
                return match.group(1).strip(), ""
            name = _usable(match.group(1))
            titled = bool(sentence[match.start() : match.start(1)].strip(' ”"’,.-–—'))
            if pattern is ATTRIBUTIONS[2] and not (
                titled or (name and name.split()[0].lower() in VIETNAMESE_SURNAMES)
            ):
                continue  # a post after a name is a Vietnamese person's: not "Theo Reuters, Phó…"
            word_before = sentence[: match.start()].rstrip().rsplit(" ", 1)[-1]
            if (
                name
                and not titled
                and pattern not in ATTRIBUTIONS[:2]  # a closing quotation mark bounds it
                and len(name.split()) == 1
                and word_before[-1:].islower()
                and word_before.lower() not in ("and", "but", "và", "nhưng", "while", "as")
                and not POST_BEFORE.search(sentence[: match.start()])
            ):
                continue  # "Hạ viện Mỹ cho biết": the end of a longer noun, not a name
            if name:
                title = before + match.group(1)[: match.group(1).find(name)]
                sex = "m" if MALE.search(title) else "f" if FEMALE.search(title) else ""
                return name, sex
    return None


# Job nouns a person is introduced with ("director Ava DuVernay", "Ca sĩ Hồ Ngọc Hà", "HLV
# Ronald Koeman", "Jo Grady, the UCU general secretary") and later described by ("the director
# said", "nữ ca sĩ chia sẻ", "HLV trưởng của Barcelona cho biết").
JOBS = (
    r"director|coach|singer|actor|actress|minister|spokesman|spokeswoman|spokesperson|president"
    r"|governor|mayor|senator|lawyer|attorney|investigator|detective|professor|researcher"
    r"|scientist|economist|analyst|chairman|chairwoman|founder|author|manager|captain|sheriff"
    r"|producer|executive|ceo|secretary|ambassador|commissioner|prosecutor|judge|officer"
    r"|hlv|huấn luyện viên|ca sĩ|nhạc sĩ|diễn viên|đạo diễn|cầu thủ|tiền đạo|thủ môn|bác sĩ"
    r"|giáo sư|tiến sĩ|chuyên gia|nhà khoa học|nhà nghiên cứu|nhà văn|người mẫu|giám đốc"
    r"|chủ tịch|bộ trưởng|thủ tướng|tổng thống|ngoại trưởng|người phát ngôn|luật sư|chủ quán"
    r"|đại sứ|tác giả"
)
# The job just before the name, or before it with its place and a comma: "The mayor of
# Surabaya, Tri Rismaharini, comforted relatives".
JOB_BEFORE = re.compile(
    rf"(?<!\w)(?i:({JOBS}))(?:\s+(?:of|for|at|của|tại)\s+[^,;“”\"]{{1,40}},)?\s+$"
)
JOB_AFTER = re.compile(
    rf"^,\s+(?:(?i:the|a|an|một|là)\s+)?(?:[^\s,]+\s+){{0,3}}?(?i:({JOBS}))(?!\w)"
)
DESCRIBED = [
    # "The director said", "…, the former coach told reporters"
    re.compile(
        rf"(?:^|[,;:]\s+|[”\"]\s*,?\s*)(?i:the|our|his|her)\s+(?:[\w-]+\s+){{0,2}}?"
        rf"(?i:({JOBS}))\s+(?:also\s+|then\s+)?(?:{VERBS_EN})(?!\w)"
    ),
    re.compile(rf"(?:{VERBS_BEFORE_NAME})\s+the\s+(?:[\w-]+\s+){{0,2}}?(?i:({JOBS}))(?=\s*[,.]|$)"),
    # "nữ ca sĩ chia sẻ", "HLV trưởng của Barcelona cho biết"
    re.compile(
        rf"(?:(?:^|[,.:;]\s+)(?:(?i:nữ|nam|vị|người|cô|anh|chàng)\s+)?|(?<!\w)(?i:nữ|nam|vị)\s+)"
        rf"(?i:({JOBS}))"
        rf"(?:\s+[^\s,.:;“”\"]+){{0,5}}?\s+(?:cũng\s+|đã\s+)?(?:{VERBS_VI})(?!\w)"
    ),
]


# Someone described, not named, saying: "The boyfriend told investigators", "a spokesperson
# for the … Association said", "Các nhà nghiên cứu giải thích". A pronoun after it is theirs.
UNNAMED_SUBJECT = re.compile(
    rf"(?:^|[,;:]\s+|[”\"]\s*,?\s*)(?:(?i:but|and|however|yet|nhưng|và)\s+)?"
    rf"(?i:the|an?|one|một|các|những|vị|người)\s+[a-zà-ỹ][\w-]*"
    rf"(?:\s+(?:for\s+the\s+)?[\w’'-]+){{0,8}}?(?:\s+\([^()]{{0,20}}\))?\s+(?:{VERBS})(?!\w)"
)


class _Mentions:
    """The full names an article has given so far, latest first: "ông Minh" after "ông Lê Duy
    Minh" is Lê Duy Minh, "Holtz" after "Lou Holtz" is Lou Holtz."""

    NAME_RUN = re.compile(rf"{TOKEN}(?:\s+(?:van|von|de|bin|al)?\s*{TOKEN})+")

    # A post and its holder: "Ngoại trưởng Indonesia, bà Retno Marsudi" (read before a name).
    ROLE_BEFORE = re.compile(rf"({HONORIFIC}\s+{TOKEN}(?:\s+{TOKEN})?),\s+(?:(?i:ông|bà)\s+)?$")

    def __init__(self) -> None:
        self.full: list[tuple[str, ...]] = []
        self.spelled: dict[tuple[str, ...], str] = {}
        self.roles: dict[tuple[str, ...], str] = {}  # "ngoai truong indonesia": Retno Marsudi
        self.jobs: dict[str, list[str]] = defaultdict(list)  # "director": [Ava DuVernay]
        self.people: list[tuple[int, str]] = []  # people the last sentence noted, where
        # names the article shows are people's: a job, a form of address or an age with them
        self.persons: set[str] = set()

    def holder(self, sentence: str, place: str) -> str | None:
        """Who holds the post named with `place` in `sentence` ("Ngoại trưởng Indonesia
        tuyên bố"), as the article named them before."""
        match = re.search(rf"({HONORIFIC})\s+{re.escape(place)}", sentence)
        return self.roles.get(tuple(words(match.group(0)))) if match else None

    def described(self, sentence: str) -> str | None:
        """The person a description that says stands for ("the director said"), when the
        article introduced exactly one person with that job (two spellings of one surname
        count as one, the latest kept); None when nobody or several."""
        for pattern in DESCRIBED:
            match = pattern.search(sentence)
            if match:
                holders = self.jobs.get(" ".join(_folded(match.group(1))), [])
                if holders and len({tuple(words(h))[-1] for h in holders}) == 1:
                    return holders[-1]
                return None
        return None

    def note(self, sentence: str) -> None:
        self.people = []
        for match in self.NAME_RUN.finditer(sentence):
            role = self.ROLE_BEFORE.search(sentence[max(0, match.start() - 60) : match.start()])
            if role:
                self.roles[_folded(role.group(1))] = _person_in(match.group(0))
            text = re.sub(rf"^(?:{HONORIFICS}|The\s+)", "", match.group(0))  # "The Pew Research…"
            text = _person_in(text.strip(" .,’'"))
            if not text.isascii():
                tokens = text.split()
                start = next(
                    (i for i, t in enumerate(tokens) if t.lower() in VIETNAMESE_SURNAMES), None
                )
                if start is None:
                    continue
                text = " ".join(tokens[start:])
            folded = _folded(text)
            if len(folded) >= 2 and folded[0] not in NOT_NAMES:
                if folded in self.spelled:
                    self.full.remove(folded)
                self.full.append(folded)
                self.spelled[folded] = text
                at = sentence.find(text, match.start())
                job = JOB_BEFORE.search(sentence[max(0, at - 40) : at]) or JOB_AFTER.search(
                    sentence[match.end() : match.end() + 80]
                )
                titled = match.group(0) != text and re.match(HONORIFICS, match.group(0))
                aged = re.match(r",\s*\d{1,3},", sentence[match.end() : match.end() + 6])
                if job:
                    self.jobs[" ".join(_folded(job.group(1)))].append(text)
                if job or aged or (titled and titled.group(0)):
                    self.persons.add(text)
                if folded[-1] not in INSTITUTION_END and not {"of", "for", "and"} & set(folded):
                    self.people.append((at, text))

    def expand(self, name: str) -> str:
        folded = tuple(words(name))
        if len(folded) == 2 and folded[0] in PARTICLES:  # "van Sebille"
            for full in reversed(self.full):
                if full[-2:] == folded:
                    return self.spelled[full]
        if len(folded) > 1 and not name.isascii():
            return name
        if len(folded) > 1:  # "Waller-Bridge": a double surname is the tail of a full name
            tails = {
                self.spelled[f]
                for f in self.full
                if len(f) > len(folded) and f[-len(folded) :] == folded
            }
            # "Pew Research" is the Pew Research Center the article named: an institution's
            # name without its last word
            wholes = {
                self.spelled[f]
                for f in self.full
                if len(f) == len(folded) + 1 and f[:-1] == folded and f[-1] in INSTITUTION_END
            }
            if len(tails) == 1:
                return tails.pop()
            return wholes.pop() if len(wholes) == 1 else name
        rules = [lambda full: full[-1] == folded[0]]
        if name.isascii():  # "Teuku" is Teuku Faizasyah; "Mỹ" is not Mỹ Adam Schiff
            rules.append(lambda full: full[0] == folded[0])
        for rule in rules:
            for full in reversed(self.full):
                if rule(full) and len(full) <= 5:
                    return self.spelled[full]
        return name


def _suggest_one(
    sentence: str, resolver: _Resolver, mentions: _Mentions, sexes: dict[str, str]
) -> Suggestion | None:
    attributed = _attributed_name(sentence)
    if attributed:
        name, sex = attributed
        full = mentions.expand(name)
        if name.lower() in PLACES:  # "Ngoại trưởng Indonesia cho rằng": who holds the post
            full = mentions.holder(sentence, name) or full
        if sex:
            sexes[full] = sex
        speaker = resolver.resolve(full) or (resolver.resolve(name) if full == name else None)
        if speaker:
            return Suggestion(speaker.name, speaker.id, f"attribution: {name}")
        reason = f"attribution to a new name: {name}" + (f" ({full})" if full != name else "")
        return Suggestion(full, None, reason)
    described = mentions.described(sentence) if ATTRIBUTING.search(sentence) else None
    if described:
        speaker = resolver.resolve(described)
        if speaker:
            return Suggestion(speaker.name, speaker.id, f"described: {described}")
        return Suggestion(described, None, f"described: {described}")
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


QUOTE_REACH = 10  # sentences a quotation may run on over paragraphs before it must close


def _quotation_runs(sentences: list[str], paragraph_end: list[int]) -> list[int]:
    """For each sentence, the index of the last sentence of the quotation it opens or
    continues (itself when it is in none). A quotation closes where its mark closes, over
    paragraphs if need be (a corpus of one sentence a line); one left open runs on to the end
    of its paragraph, as news style has it."""
    ends = list(range(len(sentences)))
    i = 0
    while i < len(sentences):
        depth = sentences[i].count("“") - sentences[i].count("”")
        straight = sentences[i].count('"') % 2 == 1
        if depth > 0 or straight:
            end = paragraph_end[i]
            for j in range(i + 1, min(len(sentences), i + 1 + QUOTE_REACH)):
                depth += sentences[j].count("“") - sentences[j].count("”")
                straight ^= sentences[j].count('"') % 2 == 1
                if depth <= 0 and not straight:
                    end = j
                    break
            for k in range(i, end + 1):
                ends[k] = end
            i = end + 1
        else:
            i += 1
    return ends


def suggest(paragraphs: list[list[str]], known: list[KnownSpeaker]) -> list[Suggestion | None]:
    """One suggestion (or None) per sentence, sentences given paragraph by paragraph."""
    resolver = _Resolver(known)
    mentions = _Mentions()
    sexes: dict[str, str] = {}  # names whose form of address says a sex: "Ms. X", "ông Y"
    flat: list[str] = []
    paragraph_end: list[int] = []
    starts: list[bool] = []  # the sentence opens its paragraph
    for paragraph in paragraphs:
        for i, sentence in enumerate(paragraph):
            flat.append(sentence)
            starts.append(i == 0)
        paragraph_end += [len(flat) - 1] * len(paragraph)
    own: list[Suggestion | None] = []
    people: list[list[tuple[int, str]]] = []  # the people each sentence names, and where
    for sentence in flat:
        mentions.note(sentence)
        people.append(mentions.people)
        own.append(_suggest_one(sentence, resolver, mentions, sexes))
    # A quotation over several sentences is its attribution's, before it or after it; one
    # closing its paragraph may be attributed on the next line ("- ông X nêu quan điểm").
    ends = _quotation_runs(flat, paragraph_end)
    for i, end in enumerate(ends):
        if own[i] is not None:
            continue
        run = [k for k in range(max(0, i - QUOTE_REACH), end + 1) if ends[k] == end]
        attributed = [own[k] for k in run if own[k] is not None]
        following = own[end + 1] if end + 1 < len(flat) and starts[end + 1] else None
        if len(run) > 1 and attributed:  # its closing sentence too
            own[i] = own[end] or attributed[0]  # the closing attribution, else the opening one
        elif following is not None and flat[end + 1].lstrip()[:1] in "-–—":
            own[i] = following
    suggestions: list[Suggestion | None] = []
    last: Suggestion | None = None
    last_here: Suggestion | None = None
    named: list[Suggestion] = []  # every attributed speaker so far, the latest last
    unnamed_last = False  # the last attribution was to someone not named ("The boyfriend told")
    for i, sentence in enumerate(flat):
        if starts[i]:
            last_here = None
        suggestion = own[i]
        continues = CONTINUES.search(sentence)
        if suggestion is None and ends[i] != i and PRONOUN_SAYS.search(flat[ends[i]]):
            sentence = flat[ends[i]]  # "“… . … . …”, ông nói.": the run is his
        pronoun = PRONOUN_SAYS.search(sentence) if suggestion is None else None
        if pronoun:
            # "”, she said": the last speaker says it, unless that person is known to be a
            # man: then the woman who spoke before, if any; otherwise nobody.
            said = pronoun.group(1).lower()
            sex = "m" if said in ("he", "ông", "anh") else "f" if said != "em" else ""
            previous = next(
                (s for s in reversed(named) if sexes.get(s.name, sex) == sex or not sex), None
            )
            # The nearest people: those the sentence before names, and this one before its
            # pronoun. One of them is the pronoun's; several, the last speaker if among them,
            # else nobody; none, the last speaker unless someone not named spoke since.
            nearby = [n for _, n in people[i - 1]] if i else []
            here = ends[i] if sentence is not flat[i] else i  # "… . …”, ông nói." closes the run
            nearby += [n for at, n in people[here] if at < pronoun.start()]
            nearby = [n for n in dict.fromkeys(nearby) if not sex or sexes.get(n, sex) == sex]
            # Evidence that a name is a person's: they spoke, or the article gave them a job,
            # a form of address or an age (anywhere in it: "Surabaya, Tri" is no evidence).
            people_named = {s.name for s in named} | mentions.persons
            if previous is not None or unnamed_last:  # then only names known to be people's
                nearby = [n for n in nearby if n in people_named]
            if len(nearby) == 1:
                speaker = resolver.resolve(nearby[0])
                previous = Suggestion(
                    speaker.name if speaker else nearby[0], speaker.id if speaker else None, ""
                )
            elif nearby:
                previous = previous if previous and previous.name in nearby else None
            elif unnamed_last:
                previous = None
            if previous is not None:
                suggestion = Suggestion(
                    previous.name, previous.speaker_id, f"said by {previous.name} (a pronoun)"
                )
            last_here = last = suggestion
        elif suggestion is None and (
            QUOTE_SAID.search(sentence) or (ATTRIBUTING.search(sentence) and not continues)
        ):
            # Said by someone not named ("Experts say", "Theo báo cáo"): neither this
            # sentence nor the ones after it are the last named speaker's.
            last_here = last = None
            unnamed_last = bool(UNNAMED_SUBJECT.search(sentence))
        elif suggestion is None:
            previous = last_here or (last if continues else None)
            if previous is not None:
                suggestion = Suggestion(
                    previous.name, previous.speaker_id, f"continues: {previous.name}"
                )
                last_here = suggestion
        else:
            last_here = last = suggestion
        if suggestion is not None:
            unnamed_last = False
        if suggestion is not None and (not named or named[-1].name != suggestion.name):
            named.append(suggestion)
        resolver.note_mentions(sentence, len(suggestions))
        suggestions.append(suggestion)
    return suggestions
