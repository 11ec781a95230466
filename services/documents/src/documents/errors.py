"""The errors the documents service answers with, each with a stable code."""

from kit.errors import AppError, Conflict, Forbidden, NotFound


class CaseNotFound(NotFound):
    """No such case here, or not one the caller may know of."""

    code = "case_not_found"
    message = "There is no such case here."


class DocumentNotFound(NotFound):
    """No such document here, or not one the caller may see."""

    code = "document_not_found"
    message = "There is no such document here."


class RequestNotFound(NotFound):
    """No such document request on this case."""

    code = "document_request_not_found"
    message = "There is no such document request on this case."


class UploadRefused(AppError):
    """A file was refused: too large, a type not accepted, or not readable as a form."""

    status = 422
    code = "upload_refused"
    message = "A file was refused; nothing was kept."


class UploadTooLarge(UploadRefused):
    """A file is larger than the authority accepts."""

    status = 413
    code = "upload_too_large"
    message = "A file is larger than this housing service accepts; nothing was kept."


class FileTypeNotAllowed(UploadRefused):
    """A file's content is of a type the authority does not accept."""

    status = 415
    code = "file_type_not_allowed"
    message = "A file is of a type this housing service does not accept; nothing was kept."


class RequestAlreadySupplied(Conflict):
    """A second document against a request already supplied."""

    code = "request_already_supplied"
    message = "A document was already supplied for this request."


class NotYoursToDo(Forbidden):
    """The caller may see the document or case but not do this to it."""

    code = "not_allowed_on_document"
    message = "You cannot do this to this document."


class AlreadyDecided(Conflict):
    """Verifying, rejecting or withdrawing a document that was already verified or rejected."""

    code = "document_already_decided"
    message = "This document was already verified or rejected."


class StorageUnavailable(AppError):
    """The file store could not be reached; nothing was kept."""

    status = 503
    code = "storage_unavailable"
    message = "Files cannot be stored right now; nothing was kept. Try again later."


class SensitiveNotShared(Conflict):
    """Sharing a sensitive document, which only officers and its uploader may see."""

    code = "sensitive_document_not_shared"
    message = "A sensitive document is seen only by officers and its uploader: it is not shared."


class LandlordsOwnDocument(Conflict):
    """Unsharing what a landlord's user uploaded: their organisation keeps seeing it."""

    code = "landlord_document_stays_shared"
    message = "A document a landlord's user sent stays shared with their landlord."
