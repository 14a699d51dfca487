"""manage.py extract_claims PATH_OR_URL [--language vi|en] [--json]: an article's check-worthy
sentences, best first, with reasons, suggested speaker and possible repeats. Writes nothing.
Looking for repeats (a query per sentence) shows a progress bar on stderr."""

import json
from typing import TextIO, cast

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from intake import article, extraction
from intake.scoring import THRESHOLD


class Command(BaseCommand):
    help = "List an article's check-worthy sentences, best first (a file path or a URL)."

    def add_arguments(self, parser):
        parser.add_argument("path_or_url")
        parser.add_argument("--language", choices=["vi", "en"], default="")
        parser.add_argument("--json", action="store_true", help="Print a JSON list.")
        parser.add_argument(
            "--all", action="store_true", help="Every sentence, not only check-worthy ones."
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, path_or_url: str, language: str, **options):
        try:
            found = article.load(path_or_url, language=language)
        except article.IntakeError as exc:
            raise CommandError(str(exc)) from None
        candidates = extraction.candidates(found.text)
        with tqdm(
            desc="Looking for repeats",
            unit=" sentences",
            disable=options["no_progress"],
            file=cast(TextIO, self.stderr._out),  # the stream itself (untyped in the stubs)
            dynamic_ncols=True,
        ) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            extraction.add_matches(
                candidates, newsroom=True, match_above=THRESHOLD, progress=progress
            )
        if not options["all"]:
            candidates = [c for c in candidates if c.score >= THRESHOLD]
        if options["json"]:
            rows = [
                {
                    "text": c.text,
                    "score": c.score,
                    "reasons": c.reasons,
                    "speaker": c.speaker,
                    "matches": [{"claim": m["claim"], "score": m["score"]} for m in c.matches],
                }
                for c in candidates
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for c in candidates:
            self.stdout.write(f"{c.score:.2f}  {c.text}")
            self.stdout.write(f"      why: {'; '.join(c.reasons)}")
            if c.speaker:
                self.stdout.write(f"      speaker: {c.speaker} ({c.speaker_reason})")
            for m in c.matches:
                self.stdout.write(f"      may repeat claim #{m['claim']} ({m['score']:.2f})")
