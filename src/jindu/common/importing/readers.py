"""Reading uploaded tables safely: checks before parsing, then rows one at a time.

Only ``.csv`` and ``.xlsx`` are accepted, and the first bytes must agree with the extension.
An .xlsx file is a zip archive: before openpyxl opens it we count its entries, add up their
declared uncompressed sizes (Python's zipfile never inflates an entry beyond its declared
size, so the sum bounds what parsing can allocate) and refuse macros (``vbaProject.bin``,
macro-enabled content types) and external links. openpyxl parses with defusedxml, in
read-only mode, so a worksheet is streamed and never built in memory.

A CSV file is decoded as UTF-8 (with or without BOM) when the whole file is valid UTF-8,
otherwise as GB18030, the encoding Chinese Excel writes. Both passes stream the file.

Everything refused raises :class:`FileRefused` with a message for the user; no exception of
a parser escapes as anything else.
"""

import codecs
import csv
import hashlib
import os
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
UTF8_BOM = codecs.BOM_UTF8
BINARY_MAGICS = (
    XLSX_MAGIC, b"\xd0\xcf\x11\xe0", b"MZ", b"\x7fELF", b"%PDF", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf",
)
MAX_COLUMNS = 256
CHUNK = 1024 * 1024


class FileRefused(Exception):
    """The file as a whole cannot be imported; ``message`` says why, for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extension(filename):
    return Path(filename or "").suffix.lower()


def check_file(path, filename):
    """Refuse what must not be parsed at all. Returns the extension (".csv" or ".xlsx")."""
    ext = extension(filename)
    if ext in (".xlsm", ".xltm", ".xlam"):
        raise FileRefused(_("Macro-enabled workbooks are refused; save the file as .xlsx or .csv."))
    if ext not in (".csv", ".xlsx"):
        raise FileRefused(_("Only .csv and .xlsx files can be imported."))
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError:
        raise FileRefused(_("The file cannot be read."))
    if size == 0:
        raise FileRefused(_("The file is empty."))
    if size > settings.IMPORT_MAX_FILE_BYTES:
        raise FileRefused(_("The file is larger than {size} MB.").format(
            size=settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)))
    if ext == ".xlsx":
        if not head.startswith(XLSX_MAGIC):
            raise FileRefused(_("This is not a real .xlsx workbook (its content does not match the extension)."))
        check_workbook_archive(path)
    else:
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileRefused(_("UTF-16 text is not supported; save the file as “CSV UTF-8”."))
        if head.startswith(BINARY_MAGICS) or b"\x00" in head:
            raise FileRefused(_("This is not a CSV text file (its content does not match the extension)."))
    return ext


def check_workbook_archive(path):
    """Zip-bomb, macro and external-link checks on the archive's directory, before any parsing."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > settings.IMPORT_MAX_ZIP_ENTRIES:
                raise FileRefused(_("The workbook has too many parts ({count}).").format(count=len(entries)))
            if sum(entry.file_size for entry in entries) > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
                raise FileRefused(_("The workbook is too large once unpacked."))
            names = {entry.filename.lower(): entry for entry in entries}
            if any(name.endswith("vbaproject.bin") or "/activex/" in name for name in names):
                raise FileRefused(_("The workbook contains macros; macros are refused."))
            if any("externallink" in name for name in names):
                raise FileRefused(_("The workbook links to other files; external links are refused."))
            types = names.get("[content_types].xml")
            if types is None or "xl/workbook.xml" not in names:
                raise FileRefused(_("This is not a real .xlsx workbook (its content does not match the extension)."))
            if types.file_size > 1024 * 1024:
                raise FileRefused(_("The workbook is malformed."))
            content_types = archive.read(types).lower()
            if b"macroenabled" in content_types or b"vbaproject" in content_types:
                raise FileRefused(_("The workbook contains macros; macros are refused."))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise FileRefused(_("The workbook is damaged and cannot be read."))


def detect_encoding(path):
    """"utf-8-sig" or "utf-8" when the whole file decodes as UTF-8, else "gb18030"."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        bom = handle.read(len(UTF8_BOM)) == UTF8_BOM
        handle.seek(0)
        try:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig" if bom else "utf-8"


class Table:
    """Rows of a checked file: ``header`` (row 1) and ``rows()`` yielding (row number, cells).

    Use as a context manager so that the workbook or text file is closed.
    """

    def __init__(self, path, ext):
        self.path, self.ext = path, ext
        self._closers = []
        self.header = []

    def __enter__(self):
        try:
            if self.ext == ".xlsx":
                self._open_xlsx()
            else:
                self._open_csv()
        except FileRefused:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        for close in self._closers:
            try:
                close()
            except Exception:  # closing a broken file must not hide the real error
                pass
        self._closers = []

    def _check_header(self, cells):
        header = list(cells)
        while header and header[-1] in (None, ""):
            header.pop()
        if not header:
            raise FileRefused(_("Row 1 must hold the column headers; it is empty."))
        if len(header) > MAX_COLUMNS:
            raise FileRefused(_("The file has more than {max} columns.").format(max=MAX_COLUMNS))
        self.header = ["" if cell is None else str(cell) for cell in header]

    # --- xlsx ---------------------------------------------------------------------------------

    def _open_xlsx(self):
        import openpyxl
        from openpyxl.xml import DEFUSEDXML

        if not DEFUSEDXML:  # openpyxl's own advice: never parse untrusted workbooks without it
            raise FileRefused(_("Excel import is disabled on this server (defusedxml is missing)."))
        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True, keep_links=False)
        except Exception:  # any failure of the parser on a hostile or broken file is a refusal, never a 500
            raise FileRefused(_("The workbook is damaged and cannot be read."))
        self._closers.append(workbook.close)
        if not workbook.worksheets:
            raise FileRefused(_("The workbook has no worksheet."))
        self.sheet = workbook.worksheets[0]
        self.sheet.reset_dimensions()  # never trust the declared size: it could pad a million empty rows
        header = self._guard(lambda: next(self.sheet.iter_rows(min_row=1, max_row=1, values_only=True), ()))
        self._check_header(header)

    def _guard(self, func):
        try:
            return func()
        except FileRefused:
            raise
        except Exception:
            raise FileRefused(_("The workbook is damaged and cannot be read."))

    def _xlsx_rows(self):
        rows = self.sheet.iter_rows(min_row=2, max_col=len(self.header), values_only=True)
        number = 1
        while True:
            cells = self._guard(lambda: next(rows, None))
            if cells is None:
                return
            number += 1
            yield number, cells

    # --- csv ----------------------------------------------------------------------------------

    def _open_csv(self):
        self.encoding = detect_encoding(self.path)
        handle = open(self.path, encoding=self.encoding, newline="")  # closed by close()
        self._closers.append(handle.close)
        self.reader = csv.reader(handle)
        self._check_header(self._next_csv(1) or ())

    def _next_csv(self, number):
        try:
            return next(self.reader, None)
        except UnicodeDecodeError:
            raise FileRefused(_("The file is neither UTF-8 nor GB18030 text."))
        except csv.Error as error:
            raise FileRefused(_("Row {row} is not valid CSV ({error}).").format(row=number, error=error))

    def _csv_rows(self):
        number = 1
        while True:
            cells = self._next_csv(number + 1)
            if cells is None:
                return
            number += 1
            yield number, cells

    # ------------------------------------------------------------------------------------------

    def rows(self):
        """(spreadsheet row number, list of cells) for each data row; the header is row 1."""
        rows = self._xlsx_rows() if self.ext == ".xlsx" else self._csv_rows()
        for number, cells in rows:
            if number > settings.IMPORT_MAX_ROWS + 1:
                raise FileRefused(_("The file has more than {max} rows.").format(max=settings.IMPORT_MAX_ROWS))
            yield number, list(cells)


def open_table(path, filename):
    """Check ``path`` (named ``filename`` by its sender) and return a :class:`Table` to enter."""
    return Table(path, check_file(path, filename))
