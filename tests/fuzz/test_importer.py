"""The recipient-list importer over hostile files: random and mutated CSV and XLSX bytes.
Every file gives a table within the limits or an ``ApplicationError`` naming the file field."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from insignia.web.bulk.parsing import (
    MAX_CELL,
    MAX_COLUMNS,
    MAX_ROWS,
    Table,
    guess_mapping,
    read_table,
)
from insignia.web.common.errors import ApplicationError
from tests.fuzz.conftest import FUZZ, bounded
from tests.fuzz.seeds import CSV, xlsx
from tests.fuzz.strategies import mutated_bytes


def read_any(name: str, data: bytes) -> Table | None:
    with bounded():
        try:
            table = read_table(name, data)
        except ApplicationError as exc:
            assert exc.field == "file" and exc.message
            return None
        guess_mapping(table.headers)
    assert table.headers and table.rows and len(table.rows) <= MAX_ROWS
    assert len(table.headers) <= MAX_COLUMNS
    for number, cells in table.rows:
        assert number > 1 and len(cells) <= MAX_COLUMNS
        assert all(isinstance(c, str) and len(c) <= MAX_CELL + 1 for c in cells)
    return table


def test_the_seeds_read() -> None:
    assert read_any("r.csv", CSV) is not None
    assert read_any("r.xlsx", xlsx()) is not None


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from(["r.csv", "r.xlsx", "r.txt"]))
def test_random_bytes(data: bytes, name: str) -> None:
    read_any(name, data)
    read_any(name, b"PK\x03\x04" + data)


@FUZZ
@given(st.text(max_size=500))
def test_random_text(text: str) -> None:
    read_any("r.csv", text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(mutated_bytes(CSV))
def test_mutated_csv(data: bytes) -> None:
    read_any("r.csv", data)


@FUZZ
@given(mutated_bytes(xlsx(), max_mutations=3))
def test_mutated_xlsx(data: bytes) -> None:
    read_any("r.xlsx", data)


def _rezip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def _members() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


XML_MEMBERS = sorted(n for n in _members() if n.endswith((".xml", ".rels")))


@FUZZ
@given(st.sampled_from(XML_MEMBERS), st.data())
def test_xlsx_with_mutated_xml_inside(member: str, data: st.DataObject) -> None:
    """Past the zip layer: the workbook's XML parts damaged, the archive itself sound."""
    members = _members()
    members[member] = data.draw(mutated_bytes(members[member]))
    read_any("r.xlsx", _rezip(members))


def test_a_damaged_sheet_is_refused_cleanly() -> None:
    """Found by the fuzzer: openpyxl's read-only mode parses a sheet only while its rows are
    read, so a broken sheet raised ParseError past the importer (a 500 on upload)."""
    members = _members()
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(b"<worksheet", b"<vorksheet", 1)
    with pytest.raises(ApplicationError, match="not a readable XLSX") as caught:
        read_table("r.xlsx", _rezip(members))
    assert caught.value.field == "file"
