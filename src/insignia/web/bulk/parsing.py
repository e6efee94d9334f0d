"""Reading recipient spreadsheets (CSV with the standard library, XLSX with openpyxl) and
writing reports that spreadsheet programs open safely.

Everything is bounded: the file size, the number of rows and columns, the length of a cell,
and for XLSX the uncompressed size of the archive (zip bombs).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from insignia.web.common.errors import ApplicationError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 50
MAX_CELL = 5_000

#: Header spellings that map to each field (compared lower-case, letters and digits only).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "email": ("email", "emailaddress", "mail", "recipientemail", "learneremail", "studentemail"),
    "name": ("name", "fullname", "recipientname", "learner", "learnername", "student"),
    "evidence_url": ("evidenceurl", "evidencelink", "evidence", "url", "link", "portfolio"),
    "evidence_narrative": ("evidencenarrative", "narrative", "evidencedescription", "notes"),
    "result": ("result", "grade", "score", "level", "mark"),
    "issue_date": ("issuedate", "issuedon", "date", "awarddate", "awardedon", "issued"),
}


@dataclass(frozen=True, slots=True)
class Table:
    headers: list[str]
    #: (row number in the spreadsheet, header row = 1; cells)
    rows: list[tuple[int, list[str]]]


def _reject(message: str) -> ApplicationError:
    return ApplicationError(message, field="file")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(records: Iterable[Sequence[object]]) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, record in enumerate(records, start=1):
        cells = [_cell(v) for v in record]
        while cells and cells[-1] == "":
            cells.pop()
        if headers is None:
            if not cells:
                continue  # blank lines before the header
            if len(cells) > MAX_COLUMNS:
                raise _reject(f"The file has more than {MAX_COLUMNS} columns.")
            headers = cells
            continue
        if not cells:
            continue  # blank rows are skipped (their numbers stay as in the spreadsheet)
        if len(rows) >= MAX_ROWS:
            raise _reject(f"The file has more than {MAX_ROWS:,} rows; split it into several.")
        if len(cells) > MAX_COLUMNS:
            cells = cells[:MAX_COLUMNS]
        rows.append((number, [c[: MAX_CELL + 1] for c in cells]))
    if headers is None:
        raise _reject("The file is empty: it needs a header row and one row per recipient.")
    if not rows:
        raise _reject("The file has a header row but no recipients.")
    return Table(headers, rows)


def read_csv(data: bytes) -> Table:
    """Read UTF-8 CSV (with or without a byte-order mark); the delimiter is sniffed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _reject(
            f"The file is not UTF-8 text (unreadable byte at position {exc.start}). "
            "Save it as “CSV UTF-8” and upload it again."
        ) from exc
    if "\x00" in text:
        raise _reject("The file contains NUL characters: it is not a CSV file.")
    header = next((line for line in text[:20_000].splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        return _table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _reject(f"The CSV file could not be read: {exc}.") from exc


def read_xlsx(data: bytes) -> Table:
    """Read the first sheet of an XLSX workbook (values, not formulas)."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise _reject("The workbook is too large once uncompressed.")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ApplicationError:
        raise
    except Exception as exc:
        raise _reject("The file is not a readable XLSX workbook.") from exc
    try:
        # Read-only workbooks parse each sheet's XML lazily, while the rows are iterated: a
        # damaged sheet fails here, not in load_workbook.
        sheet = workbook.worksheets[0]
        return _table(sheet.iter_rows(values_only=True))
    except ApplicationError:
        raise
    except Exception as exc:
        raise _reject("The file is not a readable XLSX workbook (a sheet is damaged).") from exc
    finally:
        workbook.close()


def read_table(name: str, data: bytes) -> Table:
    """Read an uploaded CSV or XLSX file.

    :raises ApplicationError: (field ``file``) with what is wrong, in words.
    """
    if len(data) > MAX_FILE_BYTES:
        raise _reject(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if not data:
        raise _reject("The file is empty.")
    if data[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(data)
    return read_csv(data)


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def guess_mapping(headers: Sequence[str]) -> dict[str, int]:
    """Field → column index for the headers we recognise."""
    keys = [_key(h) for h in headers]
    mapping: dict[str, int] = {}
    for field, names in SYNONYMS.items():
        for name in names:
            if name in keys and keys.index(name) not in mapping.values():
                mapping[field] = keys.index(name)
                break
    return mapping


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A report cell that spreadsheet programs show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterable[str]:
    """Yield a CSV (with a BOM so that Excel reads UTF-8) line by line, formula-safe."""

    class Line:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Line())
    yield "\ufeff" + writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])
