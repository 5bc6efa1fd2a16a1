import pytest

from levies.listsize_csv import NHS, PLAIN, FileProblem, parse_list_sizes
from levies.periods import Quarter

NHS_HEADER = "PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n"


def nhs_row(code: str, patients: str, *, sex: str = "ALL", age: str = "ALL", extract: str = "01OCT2026") -> str:
    return f"GP_PRAC_PAT_LIST,{extract},GP,00R,E38000226,{code},PR1 2AB,{sex},{age},{patients}\n"


def lines(*rows: str) -> list[str]:
    return "".join(rows).splitlines(keepends=True)


def test_nhs_file_uses_only_all_sexes_and_all_ages_rows():
    parsed = parse_list_sizes(
        lines(NHS_HEADER, nhs_row("P81001", "10234"), nhs_row("P81001", "5100", sex="MALE"), nhs_row("P81001", "40", age="37"))
    )
    assert parsed.file_format == NHS
    assert parsed.patients_by_code == {"P81001": (10234, 2)}
    assert parsed.rows_skipped == 2


@pytest.mark.parametrize(("extract", "quarter"), [("01OCT2026", Quarter(2026, 3)), ("2026-10-01", Quarter(2026, 3)), ("01JAN2027", Quarter(2026, 4)), ("15MAY2026", Quarter(2026, 1))])
def test_nhs_quarter_comes_from_the_extract_date(extract, quarter):
    assert parse_list_sizes(lines(NHS_HEADER, nhs_row("P81001", "10", extract=extract))).quarter == quarter


def test_nhs_file_with_two_quarters_reports_the_odd_row():
    parsed = parse_list_sizes(lines(NHS_HEADER, nhs_row("P81001", "10"), nhs_row("P81002", "20", extract="01JUL2026")))
    assert parsed.bad_rows[0].line == 3
    assert "Import one quarter at a time" in parsed.bad_rows[0].reason


def test_nhs_file_without_a_patients_column_cannot_be_read():
    with pytest.raises(FileProblem, match="NUMBER_OF_PATIENTS"):
        parse_list_sizes(lines("EXTRACT_DATE,CODE\n", "01OCT2026,P81001\n"))


def test_plain_file_without_header_reads_every_row():
    parsed = parse_list_sizes(lines("P81001,10234\n", "p81002, 7,950\n"), quarter=Quarter(2026, 3))
    assert parsed.file_format == PLAIN
    assert parsed.patients_by_code == {"P81001": (10234, 1)}
    assert parsed.bad_rows[0].line == 2


def test_plain_file_with_header_and_quoted_thousands():
    parsed = parse_list_sizes(lines("ods_code,patients\n", 'P81001,"10,234"\n'), quarter=Quarter(2026, 3))
    assert parsed.patients_by_code == {"P81001": (10234, 2)}


def test_plain_file_needs_a_quarter():
    with pytest.raises(FileProblem, match="Choose the quarter"):
        parse_list_sizes(lines("P81001,10234\n"))


@pytest.mark.parametrize(
    ("value", "reason"),
    [("12a", "is not a whole number"), ("-5", "is not a whole number"), ("1.5", "is not a whole number"), ("", "(blank)"), ("2000000", "more than any practice")],
)
def test_bad_number_is_reported_with_its_line(value, reason):
    parsed = parse_list_sizes(lines("ods_code,patients\n", "P81001,100\n", f"P81002,{value}\n"), quarter=Quarter(2026, 3))
    assert [bad.line for bad in parsed.bad_rows] == [3]
    assert reason in parsed.bad_rows[0].reason
    assert "P81002" not in parsed.patients_by_code


def test_bad_code_is_reported():
    parsed = parse_list_sizes(lines("ods_code,patients\n", "NOT A CODE,100\n"), quarter=Quarter(2026, 3))
    assert "is not a practice ODS code" in parsed.bad_rows[0].reason


def test_duplicate_code_names_both_lines():
    parsed = parse_list_sizes(lines("ods_code,patients\n", "P81001,100\n", "P81002,50\n", "P81001,100\n"), quarter=Quarter(2026, 3))
    assert parsed.bad_rows[0].line == 4
    assert "also on line 2" in parsed.bad_rows[0].reason


def test_empty_file_cannot_be_read():
    with pytest.raises(FileProblem, match="empty"):
        parse_list_sizes(lines("\n\n"), quarter=Quarter(2026, 3))


def test_progress_is_reported_in_characters_read():
    seen = []
    body = [nhs_row(f"P{n:05d}", "100") for n in range(50_000)]
    parse_list_sizes(lines(NHS_HEADER, *body), on_progress=seen.append)
    total = len(NHS_HEADER) + sum(len(row) for row in body)
    assert len(seen) >= 3
    assert seen == sorted(seen)
    assert seen[-1] == total


# --- Reading the bytes of a file: text_lines ---------------------------------------


def test_text_lines_reads_crlf_lf_and_lone_cr_endings_across_chunk_boundaries(monkeypatch):
    import io

    from levies import listsize_csv

    monkeypatch.setattr(listsize_csv, "READ_CHUNK_BYTES", 4)
    content = b"\xef\xbb\xbfab\r\ncd\reef\nlast"

    assert list(listsize_csv.text_lines(io.BytesIO(content))) == ["ab\n", "cd\n", "eef\n", "last\n"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"CODE,N\nP81001,1\x00\n", "Line 2 contains a NUL character"),
        (b"CODE,N\nP81001,1\nSurgery \xa3,2\n", "Line 3 is not UTF-8 text"),
        (b"\xff\xfeC\x00O\x00", "UTF-16"),
        (b"PK\x03\x04rest", "not a CSV file"),
        (b"CODE,N\n" + b"x" * (70 * 1024), "Line 2 is longer than"),
    ],
)
def test_text_lines_names_the_line_of_anything_that_is_not_utf8_csv(content, message):
    import io

    from levies.listsize_csv import FileProblem, text_lines

    with pytest.raises(FileProblem, match=message):
        list(text_lines(io.BytesIO(content)))
