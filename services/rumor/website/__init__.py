"""The center's own website channel: rebuttal articles, their pages and the Atom feed.

- `article.py`   pure: an article, its schema.org ClaimReview markup and its HTML page;
- `atom.py`      pure: the Atom feed of articles;
- `routes.py`    web API: the public pages and the feed.
"""
