"""Text made safe for the XML inside DOCX and XLSX files."""

from __future__ import annotations

import re

# XML 1.0 forbids most control characters; OCR text can carry them (form feeds, stray bytes).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)
