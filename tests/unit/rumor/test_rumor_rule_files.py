"""Rumor's rule files (services/rumor/rules/) load through pydantic models; a typo fails loudly."""
import pytest
from pydantic import ValidationError

from libs.common.rulefile import load_rule_file
from services.rumor.params import RULES_DIR, Dialect, PlaceNames, Synonyms, dialect, place_names, synonyms


def test_shipped_rule_files_load():
    assert place_names().aliases["邕城"] == "450100"
    assert "collapse" in synonyms().root
    assert dialect().root["冇"] == "没有"


def test_a_misspelt_key_in_places_yaml_is_refused(tmp_path):
    bad = tmp_path / "places.yaml"
    text = (RULES_DIR / "places.yaml").read_text(encoding="utf-8").replace("aliases:", "alias:")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError):
        load_rule_file(PlaceNames, bad)


def test_an_unquoted_division_code_is_read_as_a_code(tmp_path):
    path = tmp_path / "places.yaml"
    text = (RULES_DIR / "places.yaml").read_text(encoding="utf-8").replace('邕城: "450100"', "邕城: 450100")
    path.write_text(text, encoding="utf-8")
    assert load_rule_file(PlaceNames, path).aliases["邕城"] == "450100"


@pytest.mark.parametrize("model, body", [(Synonyms, "collapse: 断了\n"), (Dialect, "- 冇\n")])
def test_a_rule_file_of_the_wrong_shape_is_refused(tmp_path, model, body):
    path = tmp_path / "rules.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValidationError):
        load_rule_file(model, path)
