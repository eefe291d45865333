"""The output directory of ``paperkg build``, and how ``build --update`` changes it in place.

Beside graph.json, graph.ttl and extraction.jsonl a build keeps ``.paperkg-state``
(:mod:`.state`): what an update needs without reading graph.json (decisions/0004-incremental-update.md).

An update with a valid state then reads no graph.json (:mod:`.partial`: a paper it touches, one seen
again in a new file, is read alone from its place), splices graph.json (:mod:`.graphjson`: new records
appended to their lists, changed ones replaced, every other byte copied), changes graph.ttl in place
(:mod:`.turtle`: the blocks of changed nodes and edges blanked with spaces, their new blocks and the
new ones appended; a full rewrite when blanked bytes would pass a quarter of the file) and appends the
new records to extraction.jsonl (:mod:`.write`). Without a valid state the whole update is done the
old way, on the graph read from graph.json. Either way the files equal a full write of the graph.
"""

from paperkg.output.partial import PartialGraph, load_state
from paperkg.output.state import EXTRACTION, GRAPH, STATE, TTL
from paperkg.output.write import NoGraphToUpdate, existing_graph, write_full, write_update

__all__ = [
    "EXTRACTION",
    "GRAPH",
    "STATE",
    "TTL",
    "NoGraphToUpdate",
    "PartialGraph",
    "existing_graph",
    "load_state",
    "write_full",
    "write_update",
]
