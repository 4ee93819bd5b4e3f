"""Workbooks built byte by byte for the tests of read limits: small on disk, huge unpacked."""

import io
import struct
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(rows):
    """Return an XLSX (openpyxl's) holding `rows` on its first sheet."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def declaring(data, part, size):
    """Return the archive `data` with `part` declaring `size` unpacked bytes in the central
    directory (what zipfile's infolist reports), its content unchanged."""
    data = bytearray(data)
    offset = data.index(b"PK\x01\x02")
    while offset != -1:
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        name = bytes(data[offset + 46 : offset + 46 + name_length]).decode()
        if name == part:
            struct.pack_into("<I", data, offset + 24, size)
            return bytes(data)
        offset = data.find(b"PK\x01\x02", offset + 46)
    raise ValueError(part)


def repetitive(unpacked_bytes):
    """Return an XLSX whose sheet is one tiny row repeated to `unpacked_bytes`: it packs a
    thousand to one, as a decompression bomb does."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([["product", "place", "cluster_type"]])))
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1000
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != SHEET:
                archive.writestr(info.filename, source.read(info))
                continue
            head, tail = source.read(info).split(b"</sheetData>")
            with archive.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(head)
                written = len(head)
                while written < unpacked_bytes:
                    sheet.write(row)
                    written += len(row)
                sheet.write(b"</sheetData>" + tail)
    return stream.getvalue()
