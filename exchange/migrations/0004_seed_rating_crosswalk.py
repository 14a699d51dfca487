"""Seed the rating crosswalk with the verdict words of fact-checkers in en, es, pt, fr, de, it,
hi, bn, ar, zh and vi. Editors keep it in the admin from then on; words an editor already
entered are left as they are. Only words whose meaning is plain: a sentence, a pun or a house
label ("Pinocchios") stays unmapped and is shown in the publisher's own words."""

import unicodedata

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Everyone on the desk sees the crosswalk; Editors keep it (they also decide links).
GRANTS = {
    "Reporter": ["view_ratingword"],
    "Fact-checker": ["view_ratingword"],
    "Editor": ["view_ratingword", "add_ratingword", "change_ratingword", "delete_ratingword"],
}

# our rating slug: [(language, words), ...]
SEED = {
    "false": [
        ("en", "False"),
        ("en", "Fake"),
        ("en", "Incorrect"),
        ("en", "Wrong"),
        ("en", "Not true"),
        ("en", "Untrue"),
        ("en", "Fabricated"),
        ("en", "Hoax"),
        ("en", "Pants on fire"),
        ("en", "Really false"),
        ("en", "Fake news"),
        ("es", "Falso"),
        ("es", "Falsa"),
        ("es", "Bulo"),
        ("es", "No es cierto"),
        ("es", "Incorrecto"),
        ("pt", "Falso"),
        ("pt", "Não é verdade"),
        ("pt", "Boato"),
        ("pt", "Errado"),
        ("fr", "Faux"),
        ("fr", "Fausse"),
        ("fr", "Infox"),
        ("de", "Falsch"),
        ("de", "Fake"),
        ("it", "Falso"),
        ("it", "Bufala"),
        ("it", "Pinocchio andante"),
        ("hi", "गलत"),
        ("hi", "ग़लत"),
        ("hi", "फर्जी"),
        ("hi", "फ़र्ज़ी"),
        ("hi", "झूठ"),
        ("hi", "असत्य"),
        ("bn", "মিথ্যা"),
        ("bn", "ভুয়া"),
        ("bn", "ভুল"),
        ("ar", "زائف"),
        ("ar", "كاذب"),
        ("ar", "خطأ"),
        ("ar", "خاطئ"),
        ("ar", "غير صحيح"),
        ("ar", "مزيف"),
        ("ar", "مفبرك"),
        ("zh", "错误"),
        ("zh", "錯誤"),
        ("zh", "虚假"),
        ("zh", "虛假"),
        ("zh", "假"),
        ("zh", "不实"),
        ("zh", "不實"),
        ("zh", "谣言"),
        ("zh", "謠言"),
        ("vi", "Sai"),
        ("vi", "Sai sự thật"),
        ("vi", "Tin giả"),
    ],
    "mostly-false": [
        ("en", "Mostly false"),
        ("en", "Partly false"),
        ("en", "Partially false"),
        ("es", "Mayormente falso"),
        ("es", "Parcialmente falso"),
        ("es", "Casi falso"),
        ("pt", "Parcialmente falso"),
        ("pt", "Maioritariamente falso"),
        ("fr", "Plutôt faux"),
        ("fr", "Partiellement faux"),
        ("fr", "En partie faux"),
        ("de", "Größtenteils falsch"),
        ("de", "Teilweise falsch"),
        ("de", "Überwiegend falsch"),
        ("it", "Parzialmente falso"),
        ("it", "Quasi falso"),
        ("it", "C'eri quasi"),
        ("hi", "आंशिक रूप से गलत"),
        ("bn", "আংশিক মিথ্যা"),
        ("ar", "خاطئ جزئيا"),
        ("ar", "صحيح جزئيا"),
        ("zh", "部分错误"),
        ("zh", "部分錯誤"),
        ("vi", "Phần lớn sai"),
        ("vi", "Sai một phần"),
    ],
    "half-true": [
        ("en", "Half true"),
        ("en", "Mixture"),
        ("en", "Mixed"),
        ("en", "Half-truth"),
        ("es", "Verdad a medias"),
        ("es", "Mixto"),
        ("es", "A medias"),
        ("pt", "Meia verdade"),
        ("pt", "Meio verdade"),
        ("fr", "À moitié vrai"),
        ("fr", "Moitié vrai"),
        ("de", "Halb wahr"),
        ("de", "Halbwahr"),
        ("it", "Vero a metà"),
        ("it", "Mezza verità"),
        ("it", "Nì"),
        ("hi", "आधा सच"),
        ("bn", "অর্ধসত্য"),
        ("ar", "نصف صحيح"),
        ("zh", "半真半假"),
        ("vi", "Đúng một nửa"),
    ],
    "mostly-true": [
        ("en", "Mostly true"),
        ("en", "Mostly correct"),
        ("es", "Mayormente cierto"),
        ("es", "Mayormente verdadero"),
        ("es", "Casi cierto"),
        ("pt", "Verdadeiro, mas"),
        ("pt", "Quase verdadeiro"),
        ("fr", "Plutôt vrai"),
        ("de", "Größtenteils richtig"),
        ("de", "Überwiegend richtig"),
        ("it", "Quasi vero"),
        ("hi", "अधिकांशतः सच"),
        ("bn", "প্রায় সত্য"),
        ("ar", "صحيح في الغالب"),
        ("zh", "大部分正确"),
        ("zh", "大部分正確"),
        ("vi", "Phần lớn đúng"),
    ],
    "true": [
        ("en", "True"),
        ("en", "Correct"),
        ("en", "Accurate"),
        ("es", "Verdadero"),
        ("es", "Cierto"),
        ("es", "Verdad"),
        ("pt", "Verdadeiro"),
        ("pt", "Verdade"),
        ("pt", "Correto"),
        ("fr", "Vrai"),
        ("fr", "Exact"),
        ("de", "Richtig"),
        ("de", "Wahr"),
        ("de", "Stimmt"),
        ("it", "Vero"),
        ("it", "Corretto"),
        ("hi", "सच"),
        ("hi", "सही"),
        ("hi", "सत्य"),
        ("bn", "সত্য"),
        ("bn", "সঠিক"),
        ("ar", "صحيح"),
        ("ar", "حقيقي"),
        ("zh", "正确"),
        ("zh", "正確"),
        ("zh", "属实"),
        ("zh", "屬實"),
        ("zh", "真"),
        ("vi", "Đúng"),
        ("vi", "Chính xác"),
    ],
    "misleading": [
        ("en", "Misleading"),
        ("en", "Missing context"),
        ("en", "Needs context"),
        ("en", "Out of context"),
        ("en", "Lacks context"),
        ("en", "Distorted"),
        ("en", "Manipulated"),
        ("en", "Altered"),
        ("en", "Exaggerated"),
        ("es", "Engañoso"),
        ("es", "Engañosa"),
        ("es", "Sacado de contexto"),
        ("es", "Fuera de contexto"),
        ("es", "Descontextualizado"),
        ("es", "Manipulado"),
        ("es", "Exagerado"),
        ("es", "Impreciso"),
        ("pt", "Enganoso"),
        ("pt", "Distorcido"),
        ("pt", "Fora de contexto"),
        ("pt", "Sem contexto"),
        ("pt", "Exagerado"),
        ("pt", "Não é bem assim"),
        ("pt", "Impreciso"),
        ("pt", "Contraditório"),
        ("fr", "Trompeur"),
        ("fr", "Hors contexte"),
        ("fr", "Manque de contexte"),
        ("fr", "Exagéré"),
        ("fr", "Manipulé"),
        ("fr", "Imprécis"),
        ("de", "Irreführend"),
        ("de", "Fehlender Kontext"),
        ("de", "Ohne Kontext"),
        ("de", "Manipuliert"),
        ("de", "Übertrieben"),
        ("it", "Fuorviante"),
        ("it", "Decontestualizzato"),
        ("it", "Manipolato"),
        ("it", "Esagerato"),
        ("hi", "भ्रामक"),
        ("hi", "संदर्भ से बाहर"),
        ("bn", "বিভ্রান্তিকর"),
        ("bn", "প্রেক্ষাপট ছাড়া"),
        ("ar", "مضلل"),
        ("ar", "مضلّل"),
        ("ar", "سياق ناقص"),
        ("ar", "محتوى ناقص"),
        ("ar", "معدل"),
        ("ar", "معدّل"),
        ("zh", "误导"),
        ("zh", "誤導"),
        ("zh", "易生误解"),
        ("zh", "易生誤解"),
        ("zh", "断章取义"),
        ("zh", "斷章取義"),
        ("vi", "Gây hiểu lầm"),
        ("vi", "Sai lệch"),
        ("vi", "Thiếu bối cảnh"),
    ],
    "unverifiable": [
        ("en", "Unverifiable"),
        ("en", "Unproven"),
        ("en", "Unsupported"),
        ("en", "No evidence"),
        ("en", "Insufficient evidence"),
        ("en", "Unsubstantiated"),
        ("es", "Inverificable"),
        ("es", "No verificable"),
        ("es", "Sin evidencia"),
        ("es", "Sin pruebas"),
        ("es", "Insostenible"),
        ("pt", "Insustentável"),
        ("pt", "Sem evidências"),
        ("pt", "Sem provas"),
        ("pt", "Não verificável"),
        ("pt", "Inconclusivo"),
        ("fr", "Invérifiable"),
        ("fr", "Non vérifiable"),
        ("fr", "Sans preuve"),
        ("de", "Unbelegt"),
        ("de", "Nicht belegt"),
        ("de", "Nicht überprüfbar"),
        ("it", "Non verificabile"),
        ("it", "Senza prove"),
        ("hi", "अपुष्ट"),
        ("hi", "असत्यापित"),
        ("bn", "অপ্রমাণিত"),
        ("bn", "যাচাই করা যায়নি"),
        ("ar", "غير مؤكد"),
        ("ar", "لا دليل"),
        ("zh", "证据不足"),
        ("zh", "證據不足"),
        ("zh", "无法证实"),
        ("zh", "無法證實"),
        ("vi", "Không thể kiểm chứng"),
        ("vi", "Chưa kiểm chứng"),
    ],
}


FOLD_MAP = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss"})


def folded(words: str) -> str:
    # A frozen copy of exchange.models.folded_rating (a migration never imports live code).
    text = unicodedata.normalize("NFKD", words.translate(FOLD_MAP))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("_", " ")
    return " ".join(text.strip(" \t\r\n\"'“”«».!?:;,").split())


def seed(apps, schema_editor):
    RatingLevel = apps.get_model("claims", "RatingLevel")
    RatingWord = apps.get_model("exchange", "RatingWord")
    levels = {level.slug: level for level in RatingLevel.objects.all()}
    taken = set(RatingWord.objects.values_list("folded", flat=True))
    rows = []
    for slug, entries in SEED.items():
        if slug not in levels:
            continue  # a scale edited before this ran: editors map by hand
        for language, words in entries:
            key = folded(words)
            if key in taken:
                continue
            taken.add(key)
            rows.append(RatingWord(words=words, folded=key, rating=levels[slug], language=language))
    RatingWord.objects.bulk_create(rows)

    app_config = apps.get_app_config("exchange")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="exchange", codename__in=GRANTS[group.name]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0003_rating_crosswalk"),
        ("claims", "0002_rating_scale_and_groups"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
