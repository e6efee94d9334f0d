"""Reading hostile and ordinary spreadsheets; formula-safe reports."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from insignia.web.bulk import parsing
from insignia.web.common.errors import ApplicationError


def test_csv_with_bom_semicolons_and_blank_lines() -> None:
    data = '\ufeffEmail;Name\r\n\r\na@example.org;Ann\r\nb@example.org;"Bo; Jr"\r\n'.encode()
    table = parsing.read_table("x.csv", data)
    assert table.headers == ["Email", "Name"]
    assert table.rows == [(3, ["a@example.org", "Ann"]), (4, ["b@example.org", "Bo; Jr"])]


def test_tab_separated_and_guessed_mapping() -> None:
    data = b"E-mail\tLearner name\tGrade\tDate\tEvidence link\nx@example.org\tX\tA\t2024-01-01\thttps://e.x\n"
    table = parsing.read_table("x.tsv", data)
    assert parsing.guess_mapping(table.headers) == {
        "email": 0,
        "name": 1,
        "result": 2,
        "issue_date": 3,
        "evidence_url": 4,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        ("Email\nzoë@example.org\n".encode("latin-1"), "not UTF-8"),
        (b"Email\n", "no recipients"),
        (b"Email\x00\n", "NUL"),
        (b"a" * (parsing.MAX_FILE_BYTES + 1), "larger than"),
        (b"PK\x03\x04garbage", "not a readable XLSX"),
    ],
)
def test_hostile_files_are_refused_in_words(data: bytes, message: str) -> None:
    with pytest.raises(ApplicationError, match=message) as info:
        parsing.read_table("upload.csv", data)
    assert info.value.field == "file"


def test_too_many_rows() -> None:
    data = b"Email\n" + b"a@example.org\n" * (parsing.MAX_ROWS + 1)
    with pytest.raises(ApplicationError, match="more than 20,000 rows"):
        parsing.read_table("x.csv", data)


def test_xlsx_first_sheet_values_and_dates() -> None:
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Email", "Name", "Issue date", "Score"])
    sheet.append(["a@example.org", "Ann", datetime(2025, 2, 3), 17.0])
    buffer = io.BytesIO()
    book.save(buffer)
    table = parsing.read_table("people.xlsx", buffer.getvalue())
    assert table.rows == [(2, ["a@example.org", "Ann", "2025-02-03", "17"])]


def test_report_cells_never_become_formulas() -> None:
    lines = list(
        parsing.write_csv(
            ["row", "name"],
            [
                ["2", '=HYPERLINK("http://evil")'],
                ["3", "+1"],
                ["4", "-2"],
                ["5", "@SUM(A1)"],
                ["6", "Ann"],
            ],
        )
    )
    assert lines[0].startswith("\ufeff")
    assert lines[1] == '2,"\'=HYPERLINK(""http://evil"")"\r\n'
    assert lines[2:] == ["3,'+1\r\n", "4,'-2\r\n", "5,'@SUM(A1)\r\n", "6,Ann\r\n"]
