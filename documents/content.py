"""What a file is, read from its bytes (never its name): puremagic recognises the family, and the
containers are opened to tell one Office format from another and to find macros.

`detect(data)` gives the `Kind` of an accepted file, or raises `Refused` with a sentence for the
person uploading it: a program (whatever its name), a macro-enabled Office file, an archive, or
anything not recognised. Which kinds are accepted is settings.DOCUMENTS_ALLOWED_TYPES (checked by
the upload service, documents.services.uploads)."""

from __future__ import annotations

import email.parser
import email.policy
import io
import zipfile
from dataclasses import dataclass

import puremagic


class Refused(ValueError):
    """The file is not accepted; str() says why, for the person uploading it."""


@dataclass(frozen=True)
class Kind:
    code: str
    extension: str
    mime: str
    label: str


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind("pdf", ".pdf", "application/pdf", "PDF"),
        Kind("docx", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
        Kind("xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
        Kind(
            "pptx", ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint"
        ),
        Kind("doc", ".doc", "application/msword", "Word 97-2003"),
        Kind("xls", ".xls", "application/vnd.ms-excel", "Excel 97-2003"),
        Kind("ppt", ".ppt", "application/vnd.ms-powerpoint", "PowerPoint 97-2003"),
        Kind("odt", ".odt", "application/vnd.oasis.opendocument.text", "OpenDocument text"),
        Kind("ods", ".ods", "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet"),
        Kind("odp", ".odp", "application/vnd.oasis.opendocument.presentation", "OpenDocument presentation"),
        Kind("jpeg", ".jpg", "image/jpeg", "JPEG image"),
        Kind("png", ".png", "image/png", "PNG image"),
        Kind("gif", ".gif", "image/gif", "GIF image"),
        Kind("webp", ".webp", "image/webp", "WebP image"),
        Kind("txt", ".txt", "text/plain", "Plain text"),
        Kind("eml", ".eml", "message/rfc822", "E-mail"),
        Kind("msg", ".msg", "application/vnd.ms-outlook", "Outlook e-mail"),
    )
}
IMAGES = frozenset({"jpeg", "png", "gif", "webp"})

PROGRAM = "This file is a program, not a document: it cannot be uploaded, whatever its name."
MACROS = "This Office file contains macros, which can run code: save it without macros (for example as .xlsx or .docx) or as a PDF."  # noqa: E501
ARCHIVE = "Archives (such as .zip) are not accepted: upload each document on its own."
UNKNOWN = "This type of file is not accepted: upload a PDF, an Office document, an image, plain text or an e-mail."

_PROGRAM_HEADS = (
    b"MZ",  # Windows (exe, dll, scr)
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # Mach-O (macOS), each width and order
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",  # a script
    b"dex\n",  # Android
)
_IMAGE_EXTENSIONS = {".jpg": "jpeg", ".jpeg": "jpeg", ".jfif": "jpeg", ".png": "png", ".gif": "gif", ".webp": "webp"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# Headers of which an e-mail saved as a file has several.
_MAIL_HEADERS = {"from", "to", "subject", "date", "message-id", "received", "mime-version", "return-path", "cc"}


def detect(data: bytes) -> Kind:
    """The kind of file these bytes are, or Refused."""
    if not data:
        raise Refused("The file is empty.")
    if data.startswith(_PROGRAM_HEADS):
        raise Refused(PROGRAM)
    if data.startswith(b"PK\x03\x04"):
        return KINDS[_zip_kind(data)]
    if data.startswith(_OLE):
        return KINDS[_ole_kind(data)]
    extensions = _magic_extensions(data)
    if ".exe" in extensions or ".dll" in extensions or ".com" in extensions:
        raise Refused(PROGRAM)
    if ".pdf" in extensions and data.lstrip()[:5] == b"%PDF-":
        return KINDS["pdf"]
    for extension, code in _IMAGE_EXTENSIONS.items():
        if extension in extensions:
            return KINDS[code]
    if extensions & {".zip", ".rar", ".7z", ".gz", ".tar", ".bz2", ".xz", ".cab"}:
        raise Refused(ARCHIVE)
    text = _as_text(data)
    if text is not None:
        return KINDS["eml" if _is_mail(text) else "txt"]
    raise Refused(UNKNOWN)


def _magic_extensions(data: bytes) -> set[str]:
    try:
        return {match.extension.lower() for match in puremagic.magic_string(data)}
    except puremagic.PureError:
        return set()


def _zip_kind(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Refused(UNKNOWN) from exc
    lowered = [name.lower() for name in names]
    if "[content_types].xml" in lowered:  # Office Open XML
        types = archive.read(names[lowered.index("[content_types].xml")]).decode("utf-8", "replace").lower()
        if "macroenabled" in types or any(name.endswith("vbaproject.bin") for name in lowered):
            raise Refused(MACROS)
        for prefix, code in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(name.startswith(prefix) for name in lowered):
                return code
        raise Refused(UNKNOWN)
    if "mimetype" in lowered:  # OpenDocument
        mimetype = archive.read(names[lowered.index("mimetype")]).decode("ascii", "replace").strip()
        if mimetype in _ODF:
            if any(name.startswith(("basic/", "scripts/")) for name in lowered):
                raise Refused(MACROS)
            return _ODF[mimetype]
    raise Refused(ARCHIVE)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _ole_kind(data: bytes) -> str:
    """A compound file (Office 97-2003, Outlook's .msg): told apart by the names of its streams,
    which the file's directory holds in UTF-16."""
    if _utf16("_VBA_PROJECT") in data or _utf16("VBA") + b"\x00\x00" in data or _utf16("Macros") in data:
        raise Refused(MACROS)
    if _utf16("__substg1.0_") in data:
        return "msg"
    if _utf16("WordDocument") in data:
        return "doc"
    if _utf16("Workbook") in data or _utf16("Book") + b"\x00\x00" in data:
        return "xls"
    if _utf16("PowerPoint Document") in data:
        return "ppt"
    raise Refused(UNKNOWN)


def _as_text(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Text is mostly printable: a binary file that happens to decode is not text.
        printable = sum(1 for char in text[:4096] if char.isprintable() or char in "\r\n\t\f")
        if printable >= 0.97 * len(text[:4096]):
            return text
    return None


def _is_mail(text: str) -> bool:
    head = text.lstrip()[:8192]
    message = email.parser.Parser(policy=email.policy.compat32).parsestr(head, headersonly=True)
    names = {key.lower() for key in message}
    return len(names & _MAIL_HEADERS) >= 3 and "from" in names
