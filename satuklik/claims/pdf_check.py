"""Active content in a PDF, found with pypdf (a maintained parser), never by byte search:
a keyword can hide in a compressed object stream, and a harmless word can look like one.

Refused rather than sanitised: a receipt or a doctor's letter never needs a script, an
embedded file or an action that runs on opening, and a "cleaned" copy that an officer
reads as the member's original would be a document nobody sent. The member is asked to
upload a printed-to-PDF copy or a photo instead.
"""

import io

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# Keys whose mere presence means content that runs, launches or carries other files.
ACTIVE_KEYS = {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA", "/AA"}
# Action types (/S) that run code, start programs, send data or fetch other documents.
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition", "/GoToE", "/GoToR", "/URI"}
# Annotation types that play media or run 3D scripts.
ACTIVE_SUBTYPES = {"/RichMedia", "/3D", "/Movie", "/Sound", "/Screen"}
# A receipt has a few hundred objects; past this the file is refused, not walked.
MAX_OBJECTS = 200_000


class UnreadablePdf(Exception):
    pass


def pdf_active_content(data: bytes) -> str | None:
    """The first active element found ("/JavaScript", "/OpenAction", ...), None when there is none.

    Raises UnreadablePdf when pypdf cannot read the file (broken, encrypted, too complex)."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadablePdf("encrypted")
        return _walk(reader.trailer)
    except UnreadablePdf:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure means we cannot vouch for it
        raise UnreadablePdf(error.__class__.__name__) from error


def _walk(root) -> str | None:
    stack, seen, count = [root], set(), 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        count += 1
        if count > MAX_OBJECTS:
            raise UnreadablePdf("too many objects")
        if isinstance(obj, DictionaryObject):
            for name, value in obj.items():
                if name in ACTIVE_KEYS:
                    return str(name)
                if name == "/S" and str(value) in ACTIVE_ACTIONS:
                    return str(value)
                if name == "/Subtype" and str(value) in ACTIVE_SUBTYPES:
                    return str(value)
                # Opening at a page (a destination array) is harmless; an action is not.
                if name == "/OpenAction" and _is_action(value):
                    return "/OpenAction"
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def _is_action(value) -> bool:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return isinstance(value, DictionaryObject)
