"""Place names in Chinese text: the one table, naming rule and scanner every resolver uses.

`divisions.py` loads the national division table (`china_divisions.csv`, NBS 2023: one data
set for dispatch and rumor); `names.py` derives the names a division goes by (青秀区 and its
short form 青秀) and says which short forms are ordinary words; `former.py` reads the former
names people still write (`former_names.yaml`: 横县 is 横州市); `roads.py` says when a name
starts a road's name (北京路, 中山东路); `landmarks.py` places well-known sites in their
division (`landmarks.yaml`: 相思湖 is in 西乡塘区).

`scan.py` holds the mechanism shared by dispatch (an address, weighed against the
jurisdiction directory: `services/dispatch/directory/places.py`) and rumor (a report's
words, compared between claims: `services/rumor/clustering/places.py`): a name index
compiled once into an Aho-Corasick automaton, and the leftmost-longest pass over a text
with a per-caller judge of each candidate name (a street 中山路 is not 中山市).
"""
from libs.common.places.scan import Judged, NameIndex, leftmost_longest, normalize_address

__all__ = ["Judged", "NameIndex", "leftmost_longest", "normalize_address"]
