"""Where the documents' files are kept: Django's storage named "documents" (settings.STORAGES). By
default a folder outside anything the web server serves (settings.DOCUMENTS_ROOT, with no URL);
in production an S3-compatible store (config.settings.production). Files are only ever read back
through documents.views, which check who may see them.

The file field's storage reads the configured one at each use (not once at start), so a change of
settings (a test's temporary folder) takes effect at once."""

from __future__ import annotations

from django.core.files.storage import Storage, storages
from django.utils.deconstruct import deconstructible


@deconstructible
class DocumentStorage(Storage):
    @property
    def backend(self) -> Storage:
        return storages["documents"]

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def size(self, name):
        return self.backend.size(name)

    def url(self, name):
        return self.backend.url(name)

    def path(self, name):
        return self.backend.path(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def __eq__(self, other):
        return isinstance(other, DocumentStorage)

    def __hash__(self):
        return hash(DocumentStorage)


def document_storage() -> Storage:
    return DocumentStorage()
