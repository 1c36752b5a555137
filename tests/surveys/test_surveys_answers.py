import pytest

from surveys import AnswerError, LocalizedText, Question, validate_answer

TEXT = LocalizedText(pl="Pytanie", en="Question")
ENPS = Question("enps", "nps", TEXT)
ITEM = Question("item", "likert", TEXT)
YES_NO = Question("yn", "yes_no", TEXT)
COMMENT = Question("comment", "text", TEXT, optional=True)
REQUIRED_TEXT = Question("why", "text", TEXT)


def error_of(question, raw):
    with pytest.raises(AnswerError) as caught:
        validate_answer(question, raw)
    return caught.value


@pytest.mark.parametrize("raw", ["7", 7, " 7 ", "+7", 7.0])
def test_number_forms_accepted(raw):
    assert validate_answer(ENPS, raw) == 7


@pytest.mark.parametrize("raw", [0, 10, "0", "10"])
def test_nps_scale_ends_accepted(raw):
    assert validate_answer(ENPS, raw) == int(raw)


@pytest.mark.parametrize("question, raw, low, high", [(ENPS, "11", 0, 10), (ENPS, -1, 0, 10),
                                                      (ITEM, 0, 1, 5), (ITEM, "6", 1, 5)])
def test_out_of_range_carries_the_scale(question, raw, low, high):
    error = error_of(question, raw)
    assert (error.code, error.params, error.question_id) == ("out_of_range", {"min": low, "max": high}, question.id)


@pytest.mark.parametrize("raw", ["seven", "7.5", 7.5, "1_0", "7 8", True])
def test_text_where_a_number_belongs(raw):
    error = error_of(ENPS, raw)
    assert error.code == "not_a_number" and error.params == {}


@pytest.mark.parametrize("raw, expected", [("tak", True), ("TAK", True), ("Yes", True), ("true", True),
                                           ("1", True), (1, True), (True, True), ("nie", False),
                                           (" No ", False), ("FALSE", False), ("0", False), (0, False)])
def test_yes_no_words(raw, expected):
    assert validate_answer(YES_NO, raw) is expected


def test_yes_no_refuses_other_words():
    error = error_of(YES_NO, "maybe")
    assert error.code == "not_yes_no" and "tak" in error.params["accepted"]


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_skipping_required_question(raw):
    assert error_of(ENPS, raw).code == "required"
    assert error_of(REQUIRED_TEXT, raw).code == "required"


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_skipping_optional_question_gives_none(raw):
    assert validate_answer(COMMENT, raw) is None


def test_text_is_stripped_and_limited_to_2000_chars():
    assert validate_answer(COMMENT, "  slow approvals  ") == "slow approvals"
    assert validate_answer(COMMENT, "x" * 2000) == "x" * 2000
    error = error_of(COMMENT, "x" * 2001)
    assert (error.code, error.params) == ("too_long", {"max": 2000, "length": 2001})


def test_error_message_names_question_and_code():
    assert str(error_of(ENPS, "11")) == "question 'enps': out_of_range (min=0, max=10)"
