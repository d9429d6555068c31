"""Pure: a department's answer is signed with the department's own key, so no one (another
department, a principal that may write cases.feedback) answers for it.

Kafka tells a consumer nothing about who produced a message, and cases.feedback is one
topic all departments write to: the ACLs keep outsiders off it, this keeps insiders to
their own cases. The signature, in CaseFeedback.signature, is

    hex(HMAC-SHA256(department key, "\\n".join([event_id, case_id, department_code, action,
                                                dispatch_no, result, handler_name])))

with an absent value as the empty text and dispatch_no in decimal. Each department's key
is derived from dispatch's feedback key and its code (`department_key`); the center hands
it to the department (python -m services.dispatch.department_keys CODE) with its Kafka
credentials. Answers dispatch makes itself (platforms' callbacks) are signed the same way.
"""
from __future__ import annotations


from libs.common.events import CaseFeedback
from libs.common.signing import derive_key, fields_match, sign_fields


def department_key(feedback_key: str, department_code: str) -> str:
    """The department's signing key (hex text; used as text, like a platform secret)."""
    return derive_key(feedback_key, f"department-feedback:{department_code}")


def signed_fields(fb: CaseFeedback) -> tuple[object, ...]:
    return (fb.event_id, fb.case_id, fb.department_code, fb.action, fb.dispatch_no, fb.result, fb.handler_name)


def sign_feedback(fb: CaseFeedback, key: str) -> CaseFeedback:
    return fb.model_copy(update={"signature": sign_fields(key, *signed_fields(fb))})


def is_signed_by_its_department(fb: CaseFeedback, feedback_key: str) -> bool:
    return fields_match(department_key(feedback_key, fb.department_code), fb.signature, *signed_fields(fb))
