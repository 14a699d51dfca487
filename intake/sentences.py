"""Split Vietnamese and English news text into sentences, as spans of the original text.

Plain Python, no Django. A sentence ends at `.`, `!`, `?` or `…` followed by white space and a
capital, a digit or an opening quote, unless the full stop closes an abbreviation ("U.S.",
"Mr.", "TP.") or the mark sits inside a quotation: a quotation of several sentences stays one
candidate, because a fact-checker checks what was said as a whole. Only marks closed on their
own line hold a sentence open: a quotation that runs on into the next paragraph (its opening “
left unclosed, as news style has it) or a stray bracket does not swallow the paragraph. A ’
between letters is an apostrophe ("China’s"), not a closing mark. A line break always ends a
sentence: headings, link lists and credits are lines of their own. Marks not followed by white
space never split, so "01.AI", "3.5%" and "2-3 năm" stay whole.
"""

from dataclasses import dataclass

OPENING = {"“": "”", "‘": "’", "«": "»", "(": ")"}
CLOSING = {v: k for k, v in OPENING.items()}
ENDINGS = ".!?…"
TRAILING = "”’»)\"'"
ABBREVIATIONS = {
    # English
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "st", "jr", "sr",
    "inc", "corp", "co", "ltd", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "fig",
    # Vietnamese
    "tp", "ths", "ts", "pgs", "gs", "bs", "ks", "th", "tt", "q", "p", "tx",
}  # fmt: skip


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def _abbreviation_before(text: str, dot: int) -> bool:
    """Is the full stop at `dot` the end of an abbreviation or an initial ("U.S.", "J.")?"""
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot]
    if not word:
        return False
    if "." in word:  # U.S, e.g, a.m: dotted initials
        return True
    return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in OPENING or char in "\"'-–•"


def _is_apostrophe(line: str, i: int) -> bool:
    return (
        line[i] == "’" and 0 < i < len(line) - 1 and line[i - 1].isalnum() and line[i + 1].isalpha()
    )


def _paired_marks(line: str) -> set[int]:
    """Offsets of the quotation marks and brackets in `line` that have a partner on it.

    A closing mark pairs with the nearest open mark of its kind (marks opened after that one and
    still open stay unpaired); straight quotes pair in turn, so an odd one out is the last.
    """
    paired: set[int] = set()
    stack: list[int] = []
    straight: list[int] = []
    for i, char in enumerate(line):
        if char in OPENING:
            stack.append(i)
        elif char in CLOSING and not _is_apostrophe(line, i):
            for depth in range(len(stack) - 1, -1, -1):
                if line[stack[depth]] == CLOSING[char]:
                    paired.update((stack[depth], i))
                    del stack[depth:]
                    break
        elif char == '"':
            straight.append(i)
    paired.update(straight[: len(straight) - len(straight) % 2])
    return paired


def _boundaries(line: str) -> list[int]:
    """Offsets in `line` just after each sentence end."""
    ends: list[int] = []
    paired = _paired_marks(line)
    open_quotes: list[str] = []
    straight_open = False
    i, n = 0, len(line)
    while i < n:
        char = line[i]
        closes_quote = False
        if i not in paired:
            pass
        elif char in OPENING:
            open_quotes.append(char)
        elif char in CLOSING:
            if open_quotes and open_quotes[-1] == CLOSING[char]:
                open_quotes.pop()
                closes_quote = not open_quotes and not straight_open
        elif char == '"':
            straight_open = not straight_open
            closes_quote = not straight_open and not open_quotes
        # A quotation that ends its sentence inside the marks (“… big.” Then) ends it here.
        quoted_end = closes_quote and i > 0 and line[i - 1] in ENDINGS
        if quoted_end or (char in ENDINGS and not open_quotes and not straight_open):
            j = i + 1
            while j < n and line[j] in ENDINGS:
                j += 1
            while j < n and line[j] in TRAILING:
                if line[j] == '"' and j in paired:
                    straight_open = not straight_open
                j += 1
            if j < n and line[j].isspace():
                k = j
                while k < n and line[k].isspace():
                    k += 1
                if k < n and _starts_sentence(line[k]):
                    dot_only = char == "." and j == i + 1
                    if not (dot_only and _abbreviation_before(line, i)):
                        ends.append(j)
            i = j
            continue
        i += 1
    return ends


def split(text: str) -> list[Sentence]:
    """Every sentence of `text` with its offsets: `text[s.start:s.end] == s.text`."""
    sentences: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        start = 0
        for end in [*_boundaries(line), len(line)]:
            piece = line[start:end]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                begin = offset + start + lead
                sentences.append(Sentence(begin, begin + len(stripped), stripped))
            start = end
        offset += len(line)
    return sentences
