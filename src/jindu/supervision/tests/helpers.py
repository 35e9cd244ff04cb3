"""Upload files for the tests: real PDF and DOCX content, and impostors."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_file(name="plan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


def docx_file(name="plan.docx", text="工作方案"):
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph(text)
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")



def png_file(name="photo.png"):
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png")


def exe_as(name="plan.pdf"):
    """A Windows program renamed to look like a document."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")


def docm_as_docx(name="plan.docx"):
    """A macro-enabled Word file under a .docx name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types><Default ContentType="
                         "'application/vnd.ms-word.document.macroEnabled.main+xml'/></Types>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00" * 16)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")
