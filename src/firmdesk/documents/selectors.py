from firmdesk.access.selectors import access_object

from .models import Document


def access_document(scope, public_id, *, for_write=False) -> Document:
    return access_object(Document, scope, public_id, for_write=for_write)
