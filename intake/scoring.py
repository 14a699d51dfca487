"""Check-worthiness: how much a sentence looks like a checkable statement, 0 to 1, and why.

Plain Python, no model download: rules a fact-checker recognises, in Vietnamese and English,
each adding to (or taking from) a log-odds score turned into 0–1 by the logistic function.
Every rule that fires is named in `reasons`, so a Reporter sees why a sentence ranks where it
does. The rules' weights were set by hand; a logistic regression fitted on 86 labelled real
articles (`checkworthy`) then re-weighs what fired and a few classes of sentence the rules do
not name, and the last reason says what it added ("learned: -0.76"). Figures: bench/intake.md.
Against: opinions, feelings, hopes and first-person anecdotes without a figure, questions,
headings (also in title case), captions, credits and boilerplate (share and follow lines,
bylines, addresses), which never reach a top 10.
"""

import math
import re
from dataclasses import dataclass

from intake import checkworthy

UPPER = "".join(c for c in map(chr, range(0x41, 0x1F00)) if c.isupper())
THRESHOLD = 0.5  # a sentence at or above it is suggested as check-worthy


_words = checkworthy.whole_words


def _after_number(*units: str) -> re.Pattern:
    """A number followed by one of `units` ("1 tỷ USD", "20.000 tấn", "4kg")."""
    ordered = sorted(units, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, ordered))
    return re.compile(r"\d[\d.,]*\s?(?:" + alternatives + r")(?!\w)", re.I)


# A number that is not part of a name such as "01.AI", "Yi-34B" or "GPT-4".
NUMBER = re.compile(r"(?<![\w.-])\d+(?:[.,]\d+)*(?![\w-]*[A-Z]|\.\w|-[^\W\d]|[\d.,]?\d)")
PERCENT = re.compile(
    r"\d+(?:[.,]\d+)?\s?%|(?<!\w)(phần trăm|percent|per cent|percentage points?|một nửa"
    r"|phân nửa|một phần ba|hai phần ba|một phần tư|half|two-thirds|a third|a quarter)(?!\w)",
    re.I,
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
MONTH = (
    r"January|February|March|April|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."
)
# Months are capitalised: "may" is a verb, and "Mark May" a name unless a day follows.
DATE = re.compile(
    r"(?i:(?<!\w)(năm|tháng|quý|ngày)\s+\d{1,4}(?!\w))|(?<![\w.-])(19|20)\d{2}(?![\w-])"
    rf"|(?<!\w)(?:{MONTH})(?!\w)|(?<!\w)May\s+\d|\d\s+May(?!\w)"
    r"|(?i:(?<!\w)(năm ngoái|last year|this year|năm nay)(?!\w))",
)
# Quantities written in words ("suốt chục năm qua", "hàng trăm", "gấp đôi", "two-thirds").
# Case matters: "Big Ten" is a name. "tỷ lệ" is a rate and "triệu chứng" a symptom.
QUANTITY_WORD = re.compile(
    r"(?<!\w)(hàng chục|chục|hàng trăm|trăm|hàng nghìn|nghìn|hàng ngàn|ngàn|hàng triệu|triệu"
    r"|hàng tỷ|tỷ|gấp đôi|gấp ba|gấp bốn|gấp rưỡi|một nửa|phân nửa|một phần ba|một phần tư"
    r"|hai phần ba|thập niên|thập kỷ|hai|bốn|sáu|bảy|tám|chín|mười"
    r"|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|dozens?"
    r"|scores of|half|twice|double|doubled|triple|tripled|quadrupled|two-thirds|a third"
    r"|a quarter|decades?)(?!\w)(?<!tỷ(?= lệ))(?<!triệu(?= chứng))"
)
COMPARISON = _words(
    "hơn", "chậm hơn", "nhanh hơn", "tụt hậu", "vượt mức", "vượt xa", "vượt trội", "so với", "gấp",
    "tăng", "giảm", "kém", "ít nhất", "nhiều nhất", "more than", "less than", "fewer than",
    "than", "ahead of", "behind", "lags", "trails", "overtook", "outpaced", "outperforms",
    "doubled", "tripled", "rose", "fell", "increased", "decreased", "grew", "dropped",
    "declined", "surged", "plunged", "at least", "up to", "nearly", "almost",
)  # fmt: skip
CAUSAL = _words(
    "because", "because of", "due to", "caused", "causing", "led to", "blamed for",
    "resulted in", "as a result", "khiến", "gây ra", "dẫn đến", "dẫn tới", "nguyên nhân",
    "kéo theo", "do dịch", "vì",
)  # fmt: skip
SUPERLATIVE = _words(
    "nhất", "dẫn đầu", "hàng đầu", "đầu tiên", "duy nhất", "kỷ lục", "most", "least",
    "largest", "biggest", "highest", "lowest", "best", "worst", "first", "only", "record",
    "leading", "top", "ever", "chưa từng", "lần đầu tiên",
)  # fmt: skip
ATTRIBUTION = _words(
    "cho biết", "nói", "ước tính", "theo", "khẳng định", "tuyên bố", "chia sẻ", "cho rằng",
    "thừa nhận", "công bố", "báo cáo", "số liệu", "said", "says", "according to", "estimated",
    "estimates", "claimed", "claims", "told", "stated", "announced", "reported", "figures",
)  # fmt: skip
# Opinion, feeling, hope, advice and guesses: a sentence without a figure that holds one is
# something said, not something to check.
OPINION = _words(
    "tôi nghĩ", "tôi tin", "theo tôi", "cảm giác", "nên", "nên chăng", "mong muốn", "mong",
    "cầu mong", "hy vọng", "hi vọng", "có lẽ", "dường như", "lo ngại", "lo lắng", "thương cảm",
    "yêu thương", "xót xa", "vui mừng", "hạnh phúc", "tâm sự", "khuyến cáo", "hãy", "cần", "sợ",
    "tiếc",
    "i think", "i believe", "i thought", "i feel", "i hope", "i love", "i hate", "i wish",
    "we hope", "i'm not sure", "should", "might", "perhaps", "in my view", "it seems",
    "would like", "guess", "worry", "expect", "hope", "feel", "feeling", "amazing",
    "blessed", "angry", "afraid", "regret", "joked", "love",
)  # fmt: skip
# The speaker talking of themself: an anecdote or a feeling unless a figure comes with it.
FIRST_PERSON = re.compile(
    r"(?<!\w)(I|I'm|I’m|I've|I’ve|I'd|I’d|(?i:me|my|we|we're|we’re|our|us|tôi|chúng tôi))(?!\w)"
)
# Feelings, whatever figure comes with them: "Các thầy cô rất thương cảm, xót xa hoàn cảnh
# của 2 em", "When I look in the mirror I'm angry, Rene, 37, said".
FEELING = _words(
    "thương cảm", "xót xa", "yêu thương", "vui mừng", "hạnh phúc", "lo lắng", "bất an",
    "háo hức", "tâm sự", "angry", "afraid", "blessed", "heartbroken", "devastated",
    "thrilled", "excited", "emotional", "scared",
)  # fmt: skip
# The speaker's own view, whatever figure comes with it: "Tôi thấy trong 4 tuần qua, Messi…".
OWN_VIEW = _words(
    "tôi nghĩ", "tôi thấy", "tôi tin", "theo tôi", "tôi cho rằng", "chúng tôi nghĩ",
    "i think", "i believe", "i feel", "i thought", "in my view", "we think", "we believe",
)  # fmt: skip
# A person's own story: the speaker, or "chúng ta", with a small number, an age or a span of
# their own time ("I was 12, 13", "she turned 100 … sent me the link", "Ở phố học 2 tháng"),
# not a statistic (no percentage, money or unit of measure, no number of 1,000 or more).
STORY_PERSON = re.compile(
    r"(?<!\w)(I|I'm|I’m|I've|I’ve|I'd|I’d|us|(?i:me|my|we|our|tôi|chúng tôi|chúng ta))(?!\w)"
)
# …nor a point in the past: "20 năm trước", "10 years ago".
BIG_NUMBER = re.compile(
    r"\d{1,3}(?:[.,]\d{3})+|\d{4,}|(?i:\w+\s+(?:năm|thập kỷ|thế kỷ)\s+trước|\w+\s+years?\s+ago)"
)
BOILERPLATE = re.compile(
    r"(?i)(?:^|\W)(?:follow (?:us|\w+(?: \w+)?) on|like us on|may be reached at|can be reached at"
    r"|log on to|for more (?:information|details)|click here|sign up|subscribe|share this"
    r"|tweet this|link this|digg this|reprints|all rights reserved|copyright|bản quyền"
    r"|originally (?:published|appeared)|contributed to this report|reporting by|editing by"
    r"|compiled by|trending on|full article|full coverage|more from|loading photo gallery"
    r"|read more (?:in|at|on|about)"
    r"|hãy chia sẻ|bình luận bên dưới|ghi rõ nguồn|in this (?:file )?(?:photo|picture|image)"
    r"|(?:picture|photo) illustration|ảnh minh họa|newsletter)(?:\W|$)"
    r"|©|\(ảnh:|^ảnh:|^credit:|www\.|https?://|\S+@\w+\.\w+|^\||\|$|special credit to",
)
# A caption under a portrait: "TS Thái Văn Tài, Vụ trưởng Vụ Giáo dục tiểu học (Bộ GD&ĐT)."
# a name, a comma and a post, and no verb.
VIETNAMESE = re.compile(
    r"[ăâđêôơưạảãàáậẩẫầấặẳẵằắẹẻẽèéệểễềếịỉĩìíọỏõòóộổỗồốợởỡờớụủũùúựửữừứỵỷỹỳý]", re.I
)
CAPTION_VERB = _words(
    "là", "được", "đã", "đang", "sẽ", "có", "cho", "nói", "bị", "phải", "không", "chưa", "vừa",
    "tăng", "giảm", "đạt", "is", "are", "was", "were", "has", "have", "had", "said", "says",
    "will", "would", "can", "could",
)  # fmt: skip
# What will be, or may be, cannot be checked yet: "sẽ", "có thể", "will", "could".
# Case matters: "Mark May" is a name.
# "would" is left out: in reported speech it is the past of "will" ("the program would allow
# 330,000 people").
FUTURE = re.compile(r"(?<!\w)(sẽ|có thể|có nguy cơ|will|could|may|might)(?!\w)")
# A grade, a number in a series or a ranking is a label, not a quantity: "lớp 1", "No. 4".
LABEL_NUMBER = re.compile(r"(?<!\w)(?:lớp|No\.|no\.|#)\s*\d+(?!\w)")
CREDIT = re.compile(
    r"^(theo|nguồn|ảnh|video|đồ họa|source|sources|photo|photos|credit|by|reporting by"
    r"|correction|update|editor's note|editor’s note"
    r"|read more|xem thêm|tin liên quan|related)\s*:",
    re.I,
)
LINK_LIST = re.compile(r"^[-•*►»]\s|^\d{1,2}[-/]\d{1,2}[-/]\d{2,4}\S")
NAME_WORD = rf"[{UPPER}][\w'’&.-]*"
# A name is a run of capitalised words ("Nguyễn Thị Việt Nga", "Bank of England"), titles and
# clause-opening words left out, so a Vietnamese name is not split into its syllables.
NAMES = re.compile(rf"{NAME_WORD}(?:\s+(?:of|de|van|von|bin|al)?\s*{NAME_WORD})*")
NOT_NAME_WORDS = {
    # titles and forms of address, which are capitalised but name nobody
    "ông", "bà", "anh", "chị", "em", "cô", "thầy", "nhà", "phó", "thủ", "tướng", "bộ", "trưởng",
    "chủ", "tịch", "tổng", "thống", "giám", "đốc", "thứ", "đại", "sứ", "ngoại", "nguyên",
    "gs", "pgs", "ts", "ths", "bs", "pgs.ts", "gs.ts", "mr", "mrs", "ms", "dr", "sen", "rep",
    "gov", "president", "minister", "prime", "secretary", "senator", "governor", "mayor",
    "chairman", "chief", "sir", "lord",
    # words that open a clause or a quotation
    "the", "a", "an", "it", "its", "this", "that", "these", "those", "there", "he", "she",
    "they", "we", "i", "you", "my", "our", "his", "her", "their", "and", "but", "or", "if",
    "when", "while", "as", "in", "on", "at", "for", "of", "to", "with", "by", "from", "after",
    "before", "no", "not", "all", "any", "some", "one", "both", "so", "yet", "however",
    "theo", "trong", "khi", "các", "những", "một", "nhiều", "mọi", "đây", "điều", "tuy",
    "nhưng", "nếu", "vì", "do", "với", "về", "từ", "sau", "trước", "tại", "ở", "và", "cả",
    "chúng", "tôi", "họ", "hiện", "ngày", "năm", "tháng",
}  # fmt: skip
# The structure of an extracted page around a line (`layout()`): a box of other articles'
# headlines ("Trending On Reuters", "More from AllBusiness.com:", "Tin liên quan") and a photo
# caption, told by the credit line under it ("RIVERSIDE COUNTY SHERIFF'S DEPT./CONTRIBUTED
# IMAGE", "Photo: AP"), whatever the caption says.
BOX_HEADING = re.compile(
    r"(?i)^(?:trending (?:on|now)|more from|more (?:stories|news|on this)|related(?: (?:stories"
    r"|articles|coverage|news|content|links))?|read more|most (?:popular|read|viewed|shared)"
    r"|recommended(?: for you)?|you may also like|editors[’']? picks|top stories|latest news"
    r"|tin liên quan|xem thêm|đọc thêm|tin cùng chuyên mục|tin mới nhất|bài viết liên quan"
    r"|có thể bạn quan tâm|tin nổi bật)(?!\w)"
)
BOX_END_MARK = re.compile(r"(?i)\s*(?:full (?:article|coverage)|read more|xem thêm|»)\s*$")
CREDIT_WORDS = re.compile(
    r"(?i)(?:^(?:photo|photograph|image|picture|credit|video)s?(?: by)?\s*[:/]"
    r"|\b(?:contributed|file|staff|courtesy) (?:image|photo|picture)s?\b"
    r"|\b(?:getty images|ap photo|associated press|afp|reuters|shutterstock|epa)\s*$)"
)
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
    "attribution": 0.6,
    "quotation": 0.0,
    "quantity_word": 1.3,
    "causal": 0.7,
    "named_entity": 0.4,
    "question": -2.5,
    "opinion": -1.0,
    "first_person": -0.6,
    "future": -0.4,
    "boilerplate": -5.0,
    "caption": -3.0,
    "heading": -2.5,
    "link_list": -5.0,
    "credit": -5.0,
    "too_short": -1.5,
    "anecdote": -1.3,
    "layout": -5.0,
}
BIAS = -1.7
MODEL = checkworthy.Model.load()


@dataclass(frozen=True)
class Score:
    value: float
    reasons: list[str]


def _found(pattern: re.Pattern, text: str) -> str | None:
    match = pattern.search(text)
    return match.group(0).strip() if match else None


def names(text: str) -> list[str]:
    """The names in `text`, whole ("Nguyễn Thị Việt Nga", "Bank of England"), without the
    titles before them ("Phó Thủ tướng Lê Minh Khái" is Lê Minh Khái) or the capitalised word
    that opens the sentence."""
    found = []
    for match in NAMES.finditer(text):
        words = match.group(0).split()
        while words and words[0].strip(".,’'").lower() in NOT_NAME_WORDS:
            words.pop(0)
        if match.start() == 0 and len(words) == 1:  # "Prices rose…": a capital, not a name
            continue
        after = text[match.end() : match.end() + 2]
        if len(words) == 1 and not words[0].isascii() and after[1:].islower():
            continue  # a Vietnamese word's capital syllable: "Vụ trưởng", "Hội nghị"
        name = " ".join(words).strip(".,’'")
        if name and name.lower() not in NOT_NAME_WORDS:
            found.append(name)
    return found


def _is_title_case(words: list[str]) -> bool:
    """A headline set in title case ("Russia's Problems Are A Huge Warning Sign")."""
    lettered = [w for w in words if w[:1].isalpha()]
    capitalised = [w for w in lettered if w[:1].isupper()]
    return len(lettered) >= 5 and len(capitalised) >= 0.8 * len(lettered)


def _is_caption(text: str, words: list[str]) -> bool:
    """A Vietnamese portrait caption: English sentences have too many verbs to list."""
    head = text.split(",", 1)[0]
    return (
        "," in text
        and bool(VIETNAMESE.search(text))
        and len(words) < 40
        and len(names(head)) == 1
        and not text.rstrip().endswith(("”", '"'))
        and not CAPTION_VERB.search(text)
        and not ATTRIBUTION.search(text)
    )


def _credit_line(line: str) -> bool:
    """A photo credit on a line of its own: short, no closing mark, a credit's words."""
    words = line.split()
    return 0 < len(words) <= 10 and line[-1] not in '.!?…”"' and bool(CREDIT_WORDS.search(line))


def layout(lines: list[str]) -> list[str | None]:
    """For each line of an extracted article, why its place in the page makes it boilerplate
    whatever it says, or None: a line of a box of other articles (from a heading such as
    "Trending On Reuters" or "Tin liên quan" on a line of its own, through headlines, list
    items and teasers, to the first line that closes like a sentence of the article's own), or
    a photo caption (the line just above a credit line)."""
    found: list[str | None] = [None] * len(lines)
    in_box = ""
    previous = -1  # the last non-blank line
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        words = line.split()
        if len(words) <= 6 and BOX_HEADING.match(line) and line[-1] not in ".!?…":
            in_box = line.rstrip(":")
        elif in_box:
            closes = line[-1] in TERMINAL and not LINK_LIST.search(line) and len(words) > 4
            if closes and not BOX_END_MARK.search(line):
                in_box = ""
        if in_box:
            found[i] = f"box: {in_box}"
        elif _credit_line(line):
            found[i] = "credit line"
            if previous >= 0 and found[previous] is None:
                found[previous] = "caption: above a photo credit"
        previous = i
    return found


def rules(sentence: str, place: str | None = None) -> dict[str, str]:
    """Every rule that fires on one sentence, with what it found ("number": "200");
    `place` is why its line is boilerplate by its place in the page (`layout()`)."""
    text = sentence.strip()
    fired: dict[str, str] = {}
    if place:
        fired["layout"] = place
    words = text.split()

    def check(name: str, found: str | None) -> None:
        if found:
            fired[name] = found

    check("number", _found(NUMBER, LABEL_NUMBER.sub(" ", text)))
    check("percentage", _found(PERCENT, text))
    check("money", _found(CURRENCY_SIGN, text) or _found(MONEY, text))
    check("quantity", _found(UNIT, text))
    # A capital that opens the sentence is not a name's: "Three airline disasters".
    check("quantity_word", _found(QUANTITY_WORD, text[:1].lower() + text[1:]))
    check("date", _found(DATE, text))
    check("comparison", _found(COMPARISON, text))
    check("causal", _found(CAUSAL, text))
    check("superlative", _found(SUPERLATIVE, text))
    check("attribution", _found(ATTRIBUTION, text))
    check("quotation", "“…”" if QUOTATION.search(text) else None)
    named = names(text)
    check("named_entity", ", ".join(dict.fromkeys(named[:3])) if named else None)
    check("question", "?" if text.endswith("?") or text.endswith("?”") else None)
    counted = fired.get("number") or fired.get("quantity_word")
    if counted and not (fired.keys() & {"percentage", "money", "quantity"}):
        story = _found(STORY_PERSON, text)
        if story and not BIG_NUMBER.search(LABEL_NUMBER.sub(" ", text)) and "date" not in fired:
            fired["anecdote"] = f"{story}, {counted}"
    if counted:
        check("opinion", _found(OWN_VIEW, text) or _found(FEELING, text))
    else:
        check("opinion", _found(OPINION, text))
        if not (fired.get("comparison") or fired.get("superlative")):
            check("first_person", _found(FIRST_PERSON, text))
    check("future", _found(FUTURE, text))
    check("boilerplate", _found(BOILERPLATE, text))
    if _is_caption(text, words):
        fired["caption"] = "a name and a post, no verb"
    check("link_list", "list line" if LINK_LIST.search(text) else None)
    check("credit", _found(CREDIT, text))
    # A sentence wholly in brackets is an aside to the reader, not the article's statement:
    # "(Hey, we wrote about that too.)", "(Additional reporting by …)", "(Ảnh: …)."
    if text.startswith("(") and text.rstrip(".").endswith(")") and ")" not in text[1:-2]:
        fired.setdefault("credit", "an aside in brackets")
    if text and text[-1] not in TERMINAL and len(words) < 30:
        fired["heading"] = "no closing punctuation"
    elif _is_title_case(words):
        fired["heading"] = "title case"
    if len(words) < 6:
        fired["too_short"] = f"{len(words)} words"

    return fired


def rules_logit(fired: dict[str, str]) -> float:
    """The rules' own log-odds for what fired: the hand-set weights."""
    return BIAS + sum(WEIGHTS[name] for name in fired)


def score(sentence: str, place: str | None = None) -> Score:
    """The check-worthiness of one sentence, with every rule that fired ("number: 200") and
    what the learned model (`checkworthy`) added to the rules' log-odds; `place` is why its
    line is boilerplate by its place in the page (`layout()`)."""
    fired = rules(sentence, place)
    own = rules_logit(fired)
    logit = MODEL.logit(own, checkworthy.features(sentence, list(fired)))
    value = round(1 / (1 + math.exp(-max(-30.0, min(30.0, logit)))), 3)
    reasons = [f"{name}: {found}" for name, found in fired.items()]
    return Score(value, [*reasons, f"learned: {logit - own:+.2f}"])
