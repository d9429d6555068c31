from libs.common.privacy import Privacy


def test_sealed_contact_reads_back_only_with_the_same_key():
    data = {"name": "张三", "phone": "13800000000"}
    token = Privacy("k" * 32).seal(data)
    assert "13800000000" not in token and "张三" not in token
    assert Privacy("k" * 32).unseal(token) == data
    try:
        Privacy("other-key-000000000").unseal(token)
    except Exception:
        return
    raise AssertionError("a different key must not decrypt reporter data")


def test_pseudonym_is_stable_per_reporter_and_reveals_nothing():
    p = Privacy("k" * 32)
    assert p.pseudonym("13800000000") == p.pseudonym(" 13800000000 ")
    assert p.pseudonym("13800000000") != p.pseudonym("13900000000")
    assert "13800000000" not in p.pseudonym("13800000000")
    assert Privacy("another-secret-key").pseudonym("13800000000") != p.pseudonym("13800000000")
