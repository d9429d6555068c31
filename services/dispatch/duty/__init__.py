"""Duty (值班): the roster with its A, B and leader per shift, check-in, paging with
escalation, and the handover log. Pure modules: policy, roster, paging, handover; the
store, the loop, the handlers and the notifier are the edges."""
