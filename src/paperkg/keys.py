"""The text keys: how two spellings are found to be one name, one title or one id segment.

Every key starts from NFKC and a case fold and drops what is not a letter or digit; they differ
only where their use needs it, which is why there are four and why they live together:

- :func:`name_key`: an artifact's name as the extractor and the resolver compare it; ``+`` counts
  (as "plus"), so RefCOCO+ and RefCOCO stay two names.
- :func:`title_key`: a paper's title, to recognize one paper across inputs.
- :func:`slug`: the readable part of an entity's node id (``model:llama-3``); word boundaries
  stay as ``-``.
- :func:`referee_key`: the key of the gold files' referee (``str.lower``, not ``casefold``, as the
  referee has it), used only to score.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[\W_]+")
_SEPARATORS = re.compile(r"[^\w]+|_")


def name_key(name: str) -> str:
    """The comparison key of an artifact's name.

    Example:
        >>> name_key("RefCOCO+"), name_key("Ref-COCO")
        ('refcocoplus', 'refcoco')
    """
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", name).casefold().replace("+", "plus"))


def title_key(title: str) -> str:
    """The key of a paper's title: case, width, punctuation and spaces do not count.

    Example:
        >>> title_key("Attention Is All You Need.") == title_key("attention is all  you need")
        True
    """
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", title).casefold())


def slug(name: str) -> str:
    """The id segment of a name: lower case, runs of other characters as one ``-``.

    Example:
        >>> slug("LLaMA 3 (8B)")
        'llama-3-8b'
    """
    s = _SEPARATORS.sub("-", unicodedata.normalize("NFKC", name).casefold()).strip("-")
    return s or "x"


def referee_key(name: str) -> str:
    """The referee's name key: NFKC, ``str.lower``, letters and digits only."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", name).lower())
