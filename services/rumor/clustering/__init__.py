"""Claim clustering (谣言线索聚类): which claim a rumor report belongs to. Pure, no I/O.

- `reports.py`       the rumor report as clustering sees it;
- `normalize.py`, `segmentation.py`, `similarity.py`   text to a vector, and cosine;
- `gazetteer.py`, `places.py`, `sites.py`   where a report is about, and how places compare
                     (the name scanner is libs.common.places, shared with dispatch);
- `features.py`      a report reduced to what is compared;
- `claims.py`        the claim profile and the verbs over it: candidate keys, assign, absorb;
- `in_memory.py`     the same steps over an in-memory index (the dry run's stand-in for the store);
- `dryrun.py`        CLI: `python -m services.rumor.clustering.dryrun` (make rumor-cluster).
"""
