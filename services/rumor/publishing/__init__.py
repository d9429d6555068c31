"""核实查证 and 辟谣: the operator's verdict and rebuttal, and the fan-out it publishes.

- `rebuttals.py`   pure: the claim's desk (verdict, draft, publication) as transitions;
- `fanout.py`      pure: a publication to the events that carry it (one per channel, per reporter);
- `matrix.py`      the media matrix (rules/channels/nanning.yaml) and each channel's endpoint;
- `editorial.py`   the operator verbs: load, decide, store with the events, wake the relay;
- `republish.py`   CLI: 补发 to channels that did not get the current version.
"""
