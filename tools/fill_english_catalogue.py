"""Fill the English catalogue from the source strings, which are English already.

Run by `make messages` after makemessages; keeps the English .po complete so that the
translation test can treat all three languages alike.
"""

import sys
from pathlib import Path

import polib

path = Path(sys.argv[1] if len(sys.argv) > 1 else "lotsa/locale/en/LC_MESSAGES/django.po")
catalogue = polib.pofile(str(path))
for entry in catalogue:
    if entry.msgid_plural:
        if not any(entry.msgstr_plural.values()):
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
    elif not entry.msgstr:
        entry.msgstr = entry.msgid
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
        entry.msgstr = entry.msgid
catalogue.save()
