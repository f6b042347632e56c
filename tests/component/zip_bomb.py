"""A real XLSX zip bomb for the limits' regression tests (issue 13, H2): a valid workbook whose
shared strings hold one string of a gigabyte, packed into about a megabyte.

Packing a gigabyte takes a minute, so the deflate stream is put together from one compressed
megabyte repeated (each piece ends with a full flush: no back-reference crosses it), and the
CRC of the unpacked member is the constant below (computed once with zlib.crc32 over the same
bytes; `python -m tests.component.zip_bomb --crc` recomputes it)."""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib

from openpyxl import Workbook

MEGABYTE = 1 << 20
PREFIX = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
SUFFIX = b"</t></si></sst>"
CRC_OF_1024 = 0x0DB7A1D4  # zlib.crc32(PREFIX + b"A" * 1024 * MEGABYTE + SUFFIX)


def _piece(data: bytes, final: bool = False) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def bomb_xlsx(megabytes: int = 1024, crc: int | None = None) -> bytes:
    """The workbook's bytes: a sheet «Педагоги» with a header and one row whose name cell is the huge string."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Педагоги"
    sheet.append(["Код школы", "Внешний id", "ФИО"])
    sheet.append(["s1", "T-1", "placeholder"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as original:
        members = [(info.filename, original.read(info.filename)) for info in original.infolist()]
    # openpyxl writes inline strings: point the name cell at shared string 0 and declare the part.
    edits = {
        "xl/worksheets/sheet1.xml": (b'<c r="C2" t="inlineStr"><is><t>placeholder</t></is></c>', b'<c r="C2" t="s"><v>0</v></c>'),
        "[Content_Types].xml": (b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>'),
        "xl/_rels/workbook.xml.rels": (b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/'
                                       b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml" Id="rId9" />'
                                       b"</Relationships>"),
    }
    for index, (name, data) in enumerate(members):
        if name in edits:
            old, new = edits[name]
            assert old in data, name
            members[index] = (name, data.replace(old, new))
    members.append(("xl/sharedStrings.xml", b""))
    out = io.BytesIO()
    central = []
    for name, data in members:
        if name == "xl/sharedStrings.xml":
            packed = _piece(PREFIX) + _piece(b"A" * MEGABYTE) * megabytes + _piece(SUFFIX, final=True)
            size = len(PREFIX) + megabytes * MEGABYTE + len(SUFFIX)
            checksum = crc if crc is not None else (CRC_OF_1024 if megabytes == 1024 else _crc(megabytes))
        else:
            packed, size, checksum = _piece(data, final=True), len(data), zlib.crc32(data)
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, checksum, len(packed), size, len(encoded), 0))
        out.write(encoded)
        out.write(packed)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, checksum, len(packed), size,
                                   len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def _crc(megabytes: int) -> int:
    crc = zlib.crc32(PREFIX)
    chunk = b"A" * MEGABYTE
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return zlib.crc32(SUFFIX, crc)


if __name__ == "__main__" and "--crc" in sys.argv:
    print(hex(_crc(1024)))
