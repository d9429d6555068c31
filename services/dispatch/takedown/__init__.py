"""Takedown (删除通知) and re-check (复查): asking the platform that hosts a case's content
to remove it, and looking again later.

- `platforms.py`   pure: the platform registry (rules/platforms.yaml) and `plan_takedowns`,
                   which says whether a platform handles the case or is asked to remove;
- `callback.py`    pure: the signed request body and what a platform's answer means;
- `handlers.py`    Kafka handler of cases.takedown: send, store the answer, publish feedback;
- `routes.py`      web API: a platform's later signed answer (POST /api/v1/platforms/{id}/feedback);
- `urlcheck.py`    the URL checker interface, its HTTP implementation and the pure verdicts;
- `recheck_worker.py`  the re-check loop: removed content fetched again after a delay.
"""
