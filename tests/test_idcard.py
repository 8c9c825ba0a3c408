"""GB 11643 公民身份号码: check character, birth date, sex digit, 15-digit numbers, and the
damage Excel does to an ID stored as a number. Vectors computed by the GB 11643 check-digit rule."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules_py import idcard
from rules_py.dates import age_on

VALID = ["11010519491231002X", "440524188001010014", "360426199101010071", "120103198806018241",
         "34052419800101001X", "150404198005010010", "150404197512310021", "150404197001010035"]


@pytest.mark.parametrize("number", VALID)
def test_published_vectors_are_valid(number):
    assert idcard.checksum_ok(number)
    result = idcard.check_id(number)
    if number == "440524188001010014":  # a textbook vector born in 1880: valid check, no living person
        assert result.problem == "birthdate"
    else:
        assert result.problem is None
    assert result.key == number


def test_check_character_of_a_known_invalid_number():
    assert idcard.check_char("36042619910101007") == "1"
    result = idcard.check_id("360426199101010072")
    assert (result.problem, result.expected_check) == ("checksum", "1")


def test_lower_case_x_and_full_width_and_spaces_are_the_same_number():
    for text in ("11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ", " 110105 19491231 002X\n", "'11010519491231002X"):
        result = idcard.check_id(text)
        assert result.problem is None, text
        assert result.text == "11010519491231002X"


def test_birth_date_and_sex():
    assert idcard.birth_date("150404198005010010") == dt.date(1980, 5, 1)
    assert idcard.sex("150404198005010010") == "male"
    assert idcard.sex("150404197512310021") == "female"
    assert idcard.birth_date("150404198002300010") is None
    assert idcard.birth_date("12345") is None


def test_impossible_and_future_birth_dates():
    first17 = "15040419800230001"  # 30 February
    result = idcard.check_id(first17 + idcard.check_char(first17))
    assert result.problem == "birthdate" and result.birth_date is None
    first17 = "15040420300101001"
    result = idcard.check_id(first17 + idcard.check_char(first17), latest_birth=dt.date(2025, 12, 31))
    assert result.problem == "birthdate" and result.birth_date == dt.date(2030, 1, 1)
    first17 = "15040418800101001"
    assert idcard.check_id(first17 + idcard.check_char(first17)).problem == "birthdate"


def test_leap_day():
    first17 = "15040419800229001"
    assert idcard.check_id(first17 + idcard.check_char(first17)).problem is None
    first17 = "15040419810229001"
    assert idcard.check_id(first17 + idcard.check_char(first17)).problem == "birthdate"


def test_fifteen_digit_legacy_number():
    result = idcard.check_id("150404800501001")
    assert result.problem == "legacy15"
    assert result.birth_date == dt.date(1980, 5, 1)
    assert result.sex == "male"
    assert result.upgraded == "150404198005010010"
    assert result.key == result.upgraded
    assert idcard.upgrade_15("150404800501001") == "150404198005010010"
    assert idcard.check_id("150404800231001").problem == "birthdate"


def test_fifteen_digit_number_stored_as_a_number_is_intact():
    # 15 digits fit in Excel's 15 significant digits: it is a legacy number, not damage.
    assert not idcard.damaged_by_number(150404800501001)
    assert idcard.check_id(150404800501001).problem == "legacy15"
    assert idcard.check_id(150404800501001.0).problem == "legacy15"


@pytest.mark.parametrize("value", [150404198005010000, 1.50404198005010e17, "1.50404E+17", "1.50404e17", 3.4e16])
def test_number_damaged_by_excel(value):
    assert idcard.damaged_by_number(value)
    assert idcard.check_id(value).problem == "stored_as_number"


@pytest.mark.parametrize("value", ["15040419800501001", "1504041980050100100", "15040419800501001A",
                                   "15040419800501-010", "", "abc", 12345, 12.5, True])
def test_malformed_numbers(value):
    assert idcard.check_id(value).problem == "format"


def test_foreign_permanent_residence_number_uses_the_same_check_character():
    first17 = "93115619800101001"
    result = idcard.check_id(first17 + idcard.check_char(first17))
    assert result.problem is None
    assert result.kind == idcard.KIND_FOREIGN
    assert result.sex is None  # not read from a foreign number's layout


def test_unknown_province_is_flagged_but_not_invalid():
    first17 = "80040419800501001"
    result = idcard.check_id(first17 + idcard.check_char(first17))
    assert result.problem is None
    assert not result.province_known


def test_age_on_counts_a_birthday_on_the_day_itself():
    assert age_on(dt.date(1975, 12, 31), dt.date(2025, 12, 31)) == 50
    assert age_on(dt.date(1976, 1, 1), dt.date(2025, 12, 31)) == 49
    assert age_on(dt.date(1980, 2, 29), dt.date(2025, 2, 28)) == 44


digits17 = st.text(alphabet="0123456789", min_size=17, max_size=17)


@given(digits17)
def test_appending_the_check_character_always_validates(first17):
    assert idcard.checksum_ok(first17 + idcard.check_char(first17))


@given(digits17, st.integers(0, 16), st.integers(1, 9))
def test_every_single_digit_error_is_caught(first17, position, shift):
    number = first17 + idcard.check_char(first17)
    wrong = str((int(number[position]) + shift) % 10)
    assert not idcard.checksum_ok(number[:position] + wrong + number[position + 1:])


@given(digits17, st.integers(0, 15))
def test_every_adjacent_transposition_is_caught(first17, position):
    number = first17 + idcard.check_char(first17)
    a, b = number[position], number[position + 1]
    if a != b:
        swapped = number[:position] + b + a + number[position + 2:]
        assert not idcard.checksum_ok(swapped)


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.none(), st.booleans()))
def test_check_id_never_raises(value):
    result = idcard.check_id(value, latest_birth=dt.date(2025, 12, 31))
    assert result.problem in (None, "stored_as_number", "format", "birthdate", "checksum", "legacy15")


def test_digits_of_other_scripts_are_a_format_problem_not_a_crash():
    # Arabic-Indic digits pass str.isdigit() and regex \d, but no ID number is written with them.
    arabic = "".join(chr(0x0660 + int(c)) for c in "15040419800501001") + "X"
    result = idcard.check_id(arabic)
    assert result.problem is not None
