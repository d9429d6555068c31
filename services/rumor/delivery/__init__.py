"""Delivering a rebuttal to each channel of the media matrix (媒体矩阵投递), once.

- `consumer.py`    the Kafka loop over every media.<channel> topic, one lane per channel;
- `handlers.py`    one delivery: skip if done, send with retries, store the outcome;
- `adapters.py`    one interface per channel kind (webhook, website, ...);
- `signing.py`     pure: the signed headers of a webhook delivery;
- `store.py`       deliveries and website articles in MongoDB.
"""
