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
    # English is the source language: every entry says what its source says (a fuzzy guess
    # made from another string, or a stale translation, would show the wrong text).
    entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    if entry.msgid_plural:
        entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
    else:
        entry.msgstr = entry.msgid
catalogue.save()
