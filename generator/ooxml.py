"""What the Office files the site offers (Word in briefing.py, Excel in xlsx.py) share: zip entries
with a fixed time, so the same document is the same bytes on every build."""

from __future__ import annotations

from zipfile import ZIP_DEFLATED, ZipInfo

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say


def zip_entry(name: str) -> ZipInfo:
    info = ZipInfo(name, ZIP_TIME)
    info.compress_type = ZIP_DEFLATED
    return info
