"""The learned half of check-worthiness (intake/checkworthy.py): its weights load, name only
features the code makes, and order classes of sentences the rules alone ranked wrongly. Its
cross-validated precision on the labelled articles is bench/intake_model.py's, not a test's."""

import json

import pytest

from intake import checkworthy, scoring


def value(sentence: str) -> float:
    return scoring.score(sentence).value


def test_the_shipped_weights_load_and_name_only_features_the_code_makes():
    model = checkworthy.Model.load()
    assert model.weights and 0.5 < model.rules < 1.5
    made = (
        {f"rule:{name}" for name in scoring.WEIGHTS}
        | {f"class:{name}" for name in checkworthy.CLASSES}
        | {"class:capitalised"}
        | {f"numbers:{k}" for k in ("years_only", "small_only", "large", "several")}
    )
    assert set(model.weights) <= made
    assert scoring.MODEL.weights == model.weights


def test_weights_survive_a_dump_and_a_load(tmp_path):
    model = checkworthy.Model({"class:you": -0.5, "rule:number": 0.25}, rules=0.9, bias=-0.1)
    path = tmp_path / "weights.json"
    model.dump(path, {"by": "a test"})
    again = checkworthy.Model.load(path)
    assert json.loads(path.read_text())["about"] == {"by": "a test"}
    assert again.logit(1.0, ["class:you", "rule:number"]) == pytest.approx(0.9 - 0.1 - 0.25)


@pytest.mark.parametrize(
    "statistic, other",
    [
        (  # a person's own story with a small number
            "The city's unemployment rate fell to 4.2% in March, the lowest since 2008.",
            "She said she had waited about 20 minutes outside the shop before the bus came.",
        ),
        (  # a prediction with a year
            "Sản lượng xuất khẩu gạo năm 2019 đạt 6,3 triệu tấn, tăng 4,2% so với năm 2018.",
            "Nhiều khả năng công ty sẽ ra mắt sản phẩm mới vào năm 2021 nếu thị trường ổn định.",
        ),
        (
            "Năm 2020, cả nước có hơn 100.000 doanh nghiệp rút lui khỏi thị trường.",
            "Em học ở phố 2 tháng rồi lại về quê thăm mẹ và em gái.",
        ),
    ],
)
def test_a_statistic_outranks_a_story_or_a_prediction_with_a_figure(statistic, other):
    assert value(statistic) >= scoring.THRESHOLD
    assert value(statistic) > value(other) + 0.25


def test_every_score_says_what_the_model_added():
    reasons = scoring.score("Exports rose 5% in March.").reasons
    assert reasons[-1].startswith("learned: ")
    assert float(reasons[-1].split(": ")[1]) != 0


def test_a_boilerplate_line_keeps_the_rules_score():
    line = "Copyright © 2024 Example News. All rights reserved. 2,000 readers, 40%."
    fired = scoring.rules(line)
    assert "boilerplate" in fired
    own = scoring.rules_logit(fired)
    shift = scoring.MODEL.shift  # the same for every sentence: no ranking changes with it
    assert scoring.MODEL.logit(own, checkworthy.features(line, list(fired))) == own + shift


def test_the_model_cannot_lift_a_line_with_nothing_checkable():
    line = "Gail Gardner is the Small Business Marketing Strategist at GrowMap."
    fired = scoring.rules(line)
    assert not fired.keys() & {"number", "date", "comparison", "percentage", "money"}
    own = scoring.rules_logit(fired)
    lifted = scoring.MODEL.logit(own, checkworthy.features(line, list(fired)))
    assert lifted <= own + scoring.MODEL.shift


def test_the_shift_moves_every_score_alike():
    model = checkworthy.Model({"class:you": -0.5}, rules=1.0, bias=0.2, shift=0.6)
    plain = checkworthy.Model({"class:you": -0.5}, rules=1.0, bias=0.2)
    for rules_logit, present in [(1.0, ["rule:number"]), (-4.0, ["rule:boilerplate"])]:
        assert model.logit(rules_logit, present) == pytest.approx(
            plain.logit(rules_logit, present) + 0.6
        )
