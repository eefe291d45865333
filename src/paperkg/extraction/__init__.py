"""Entity and URL extraction on spaCy: rules as data and pure functions, one pipeline."""

from paperkg.extraction.extractor import EXTRACTOR_NAME, EXTRACTOR_VERSION, Extractor

__all__ = ["EXTRACTOR_NAME", "EXTRACTOR_VERSION", "Extractor"]
