"""Fill empty zh_Hans / bo entries of locale/*.po from JSON files written while coding.

Usage: python scripts/fill_translations.py DIR...   (each DIR holds *.json files)

A JSON file maps msgid to {"zh_Hans": "...", "bo": "..."}; for a msgid with a context, the key is
"context\x04msgid" (gettext's own spelling). Entries already translated are left as they are; the
script prints what is still empty afterwards, so `make messages` + this + a look at the rest is the
whole translation pass.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("zh_Hans", "bo")


def load(dirs):
    table = {}
    for directory in dirs:
        for path in sorted(Path(directory).glob("*.json")):
            table.update(json.loads(path.read_text(encoding="utf-8")))
    return table


def main(argv):
    table = load(argv or ["/tmp/jindu-i18n"])
    missing = 0
    for lang in LANGS:
        path = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(path), wrapwidth=79)
        filled = 0
        for entry in catalogue:
            if entry.obsolete:
                continue
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            text = table.get(key, {}).get(lang)
            fuzzy = "fuzzy" in entry.flags  # msgmerge's guess from a similar msgid: replaced when we have text
            if text and entry.msgid_plural and (fuzzy or not any(entry.msgstr_plural.values())):
                entry.msgstr_plural = {0: text}
                filled += 1
            elif text and not entry.msgid_plural and (fuzzy or not entry.msgstr):
                entry.msgstr = text
                filled += 1
            else:
                continue
            if fuzzy:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        catalogue.save(str(path))
        empty = [e.msgid for e in catalogue.untranslated_entries() + catalogue.fuzzy_entries() if not e.obsolete]
        missing += len(empty)
        print(f"{lang}: {filled} filled, {len(empty)} still empty")
        for msgid in empty:
            print("   ", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
