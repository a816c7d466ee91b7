"""Port texts written as a Python dict (``TEXTS = {...}`` / ``TEXTS.update({...})`` blocks,
placeholders ``{name}``) into the Fluent catalogs under ``locales/<lang>/``.

    python tools/ftl_port.py telegram/texts/en.py            # print what is missing, by file
    python tools/ftl_port.py telegram/texts/en.py --write    # append it to the .ftl files
    python tools/ftl_port.py my_ru_texts.py --lang ru --write
    python tools/ftl_port.py block.py --into meetings      # a feature's own new file

Only keys the catalog of that language lacks are ported; each goes to the feature file its
key prefix names (``FEATURES`` below; ``common.ftl`` otherwise). The key ``submit.ask_title``
becomes the message id ``submit-ask_title`` (telegram/texts: dots become hyphens). Counts
need plural variants by hand afterwards (``{ $count -> [one] … *[other] … }``): the dict
format had none. A development tool: not installed, not in the image.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram.texts import LOCALES_DIR, message_id  # noqa: E402

# First match wins: (file stem, key prefixes).
FEATURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("menu", ("cmd.",)),
    ("language", ("language.",)),
    ("start", ("start.", "help.", "role.", "group.", "fallback.")),
    ("invites", ("invite.", "invites.")),
    ("lifecycle", ("final.", "reopen.", "button.mark_final", "button.reopen",
                   "notify.thesis_", "notify.reason_line", "status.turn.approved",
                   "status.turn.final", "thesis.final", "error.thesis_final",
                   "error.no_thesis", "left.")),
    ("submit", ("submit.", "status.", "thesis.", "history.", "error.no_supervisor",
                "error.invalid_title", "error.file_too_large", "error.empty_file",
                "error.unsupported_document", "error.duplicate_submission",
                "reason.not_pdf_or_docx", "reason.truncated_pdf", "reason.broken_zip",
                "reason.not_docx", "reason.zip_bomb", "size.")),
    ("review", ("card.", "button.", "review.", "decision.", "queue.", "error.already_reviewed",
                "error.superseded", "error.comment_", "error.invalid_grade",
                "notify.review_digest")),
    ("deadlines", ("deadline.", "deadlines.", "milestone.", "milestones.", "extend.",
                   "remind.", "reason.deadline_", "reason.extension_", "error.invalid_deadline",
                   "notify.deadline_", "notify.milestone_", "notify.student_overdue")),
    ("access", ("access.", "users.", "notify.access_", "error.cannot_change_access",
                "reason.self", "reason.configured_admin")),
    ("supervision", ("students.", "stats.", "notify.student_unreachable")),
    ("errors", ("error.", "reason.")),
)
EMPTY = '{""}'
TOKEN = re.compile(r"\{(\w+)\}|[{}]")


def feature_of(key: str) -> str:
    for stem, prefixes in FEATURES:
        if key.startswith(prefixes):
            return stem
    return "common"


def _line(text: str, first: bool) -> str:
    """One line of a pattern, with what Fluent would strip or misread quoted."""
    body = TOKEN.sub(lambda m: "{ $" + m.group(1) + " }" if m.group(1)
                     else '{"' + m.group(0) + '"}', text)
    stripped = body.lstrip(" ")
    if len(stripped) != len(body):
        body = '{"' + body[: len(body) - len(stripped)] + '"}' + stripped
    if body.endswith(" "):
        trimmed = body.rstrip(" ")
        body = trimmed + '{"' + body[len(trimmed):] + '"}'
    if not first and body[:1] in ("[", "*", "."):
        body = '{"' + body[0] + '"}' + body[1:]
    return body


def to_ftl(key: str, template: str) -> str:
    lines = template.split("\n")
    rendered = [_line(text, i == 0) for i, text in enumerate(lines)]
    if rendered and rendered[0] == "" and len(rendered) > 1:
        rendered[0] = '{""}'
    if len(rendered) == 1:
        return f"{message_id(key)} = {rendered[0] or EMPTY}\n"
    body = "".join(f"    {text}\n" if text else "\n" for text in rendered)
    return f"{message_id(key)} =\n{body}"


def load_dict(path: Path) -> dict[str, str]:
    namespace: dict[str, object] = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    texts = namespace.get("TEXTS")
    if not isinstance(texts, dict):
        raise SystemExit(f"{path}: no TEXTS dict")
    return {str(k): str(v) for k, v in texts.items()}


def existing_ids(lang: str) -> set[str]:
    ids: set[str] = set()
    for ftl in (LOCALES_DIR / lang).glob("*.ftl"):
        ids |= set(re.findall(r"^([a-zA-Z][\w-]*) *=", ftl.read_text(encoding="utf-8"), re.M))
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--into", metavar="FEATURE",
                        help="put every key into locales/<lang>/FEATURE.ftl (e.g. meetings)")
    args = parser.parse_args()
    have = existing_ids(args.lang)
    by_file: dict[str, list[str]] = {}
    for key, template in load_dict(args.source).items():
        if message_id(key) not in have:
            stem = args.into or feature_of(key)
            by_file.setdefault(stem, []).append(to_ftl(key, template))
    for stem, entries in by_file.items():
        target = LOCALES_DIR / args.lang / f"{stem}.ftl"
        if args.write:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("a", encoding="utf-8") as out:
                out.write("".join(entries))
        else:
            print(f"# {target.relative_to(ROOT)}\n" + "".join(entries))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
