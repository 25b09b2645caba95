"""The CJK font the PDFs are set in, found once per process.

ReportLab embeds TrueType outlines only. Debian's fonts-noto-cjk ships Noto Sans CJK as an
OpenType collection with PostScript (CFF) outlines, which ReportLab refuses, so a TrueType
CJK font (WenQuanYi, AR PL, Droid Sans Fallback) is used when one is installed, and
ReportLab's built-in CID font STSong-Light otherwise. STSong-Light is not embedded: the PDF
names it and the viewer supplies the glyphs (every common viewer does), which is why it is
the fallback and not the first choice. Either way Chinese always renders.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

FALLBACK = "STSong-Light"
FONT_NAME = "ReportCJK"

# (path, subfont index) in order of preference; None tries each face of a collection and
# takes the first Simplified Chinese one.
CANDIDATES: list[tuple[str, int | None]] = [
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", None),
    ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", None),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", None),
]
# A collection's faces differ by region; a PostScript name like these is the Simplified Chinese one.
_SIMPLIFIED_FACE = re.compile(r"SC\b|sc-|GB|Hans|WenQuanYi|UMing|AR ?PL")


def _fontconfig_candidates() -> list[tuple[str, int | None]]:
    """What fontconfig offers for Simplified Chinese: its best match for sans-serif in zh-cn,
    with the face index it chose (the SC face of a collection), then every TrueType font that
    covers zh-cn, regular weights first, each face to be chosen by name."""
    found: list[tuple[str, int | None]] = []
    match = _fontconfig("fc-match", "-f", "%{file}|%{index}", "sans-serif:lang=zh-cn")
    path, _sep, index = match.partition("|")
    if path:
        found.append((path, int(index) if index.isdigit() else None))
    listed = _fontconfig("fc-list", ":lang=zh-cn:fontformat=TrueType", "file")
    paths = {line.split(":", 1)[0].strip() for line in listed.splitlines() if line.strip()}
    found += [(path, None) for path in sorted(paths, key=lambda p: ("bold" in p.lower(), p))]
    return found


def _fontconfig(program: str, *arguments: str) -> str:
    executable = shutil.which(program)
    if not executable:
        return ""
    try:
        # A fixed argument list and no shell: nothing here comes from a user.
        result = subprocess.run(  # noqa: S603
            [executable, *arguments], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip()


def _load(path: str, index: int | None) -> TTFont | None:
    if not Path(path).is_file():
        return None
    # Only a collection has faces to choose from; a single font's index is ignored.
    collection = path.lower().endswith(".ttc")
    indices = [index] if index is not None else (list(range(16)) if collection else [0])
    first_usable = None
    for subfont in indices:
        try:
            font = TTFont(FONT_NAME, path, subfontIndex=subfont)
        except TTFError as error:
            if "postscript outlines" in str(error).lower() or "subfont" in str(error).lower():
                logger.debug("CJK font %s[%s] not usable: %s", path, subfont, error)
                break
            continue
        except (OSError, ValueError, IndexError):
            break
        face = getattr(font.face, "name", b"")
        face = face.decode("latin-1") if isinstance(face, bytes) else str(face)
        if index is not None or _SIMPLIFIED_FACE.search(face):
            return font
        first_usable = first_usable or font
    return first_usable


@functools.cache
def cjk_font() -> str:
    """Register the CJK font and answer its name; the work is done once per process."""
    for path, index in [*CANDIDATES, *_fontconfig_candidates()]:
        font = _load(path, index)
        if font is not None:
            pdfmetrics.registerFont(font)
            return FONT_NAME
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FALLBACK
