"""The reporter's pages at intake's root: the report form and the tracking page."""
