"""The translation catalogs: one folder per language (``en/``, ``ru/``), one Fluent file
(``.ftl``) per feature in each. Read by ``telegram.texts``; a package only so that the
installed distribution carries the files (package data) next to the code."""

from pathlib import Path

DIR = Path(__file__).resolve().parent
