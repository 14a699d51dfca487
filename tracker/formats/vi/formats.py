"""Vietnamese dates as a newsroom writes them inside a sentence: "6 tháng 12 năm 2026".

Django's own format starts with a capital "Ngày 06", which reads wrongly after a word
("từ Ngày 06…", "ngày Ngày 06…"); a translation says "ngày" itself where the grammar needs it
(docs/translation.md). Every other format falls through to Django's.
"""

DATE_FORMAT = r"j \t\há\n\g n \nă\m Y"
DATETIME_FORMAT = r"H:i, j \t\há\n\g n \nă\m Y"
