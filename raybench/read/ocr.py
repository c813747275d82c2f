"""Text of a scanned page (an image, no text layer) through Tesseract, by pymupdf's OCR support.

pymupdf renders the page and hands it to Tesseract (``Page.get_textpage_ocr``), which returns a text
page whose words carry positions like a real text layer, so a bill's line reader reads them unchanged.
Tesseract is an outside program (Debian's ``tesseract-ocr`` and ``tesseract-ocr-eng``); where it or its
English data is missing, :func:`ocr_available` says so and a scanned page stays unread (counted
``scanned_page``, its file ``suspect``). Every record read from OCR text is flagged ``ocr_text``: a
misread digit is possible, and the flag says which rows may hold one.
"""

from __future__ import annotations

import glob
import os
import shutil
from functools import lru_cache

OCR_DPI = 300
"""Resolution the page is rendered at for Tesseract (bill tables print at 6 to 8 pt)."""

OCR_LANGUAGE = "eng"


@lru_cache(maxsize=1)
def tessdata_dir() -> str | None:
    """The folder of Tesseract's language data holding ``eng.traineddata``: ``$TESSDATA_PREFIX``, else
    Debian's ``/usr/share/tesseract-ocr/<version>/tessdata``; None when Tesseract is not installed."""
    if shutil.which("tesseract") is None:
        return None
    env = os.environ.get("TESSDATA_PREFIX")
    candidates = ([env] if env else []) + sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    candidates += ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    return next((d for d in candidates if d and os.path.isfile(os.path.join(d, f"{OCR_LANGUAGE}.traineddata"))),
                None)


def ocr_available() -> bool:
    """True when scanned pages can be read here (Tesseract and its English data found)."""
    return tessdata_dir() is not None


def ocr_textpage(page):
    """A pymupdf text page of ``page`` made by Tesseract (the whole page rendered at :data:`OCR_DPI`).

    Raises:
        RuntimeError: Tesseract is not available (check :func:`ocr_available` first).
    """
    tessdata = tessdata_dir()
    if tessdata is None:
        raise RuntimeError("OCR needs Tesseract (Debian: tesseract-ocr tesseract-ocr-eng)")
    return page.get_textpage_ocr(language=OCR_LANGUAGE, dpi=OCR_DPI, full=True, tessdata=tessdata)
