from django.apps import AppConfig

from core.contract import AppContract, PersonRecord


class DocumentsConfig(AppContract, AppConfig):
    name = "documents"
    verbose_name = "Documents"

    # What the documents app contributes (core.contract). The records that hold documents are
    # declared by their own apps (`document_owners`): this app names none of them.
    role_permissions = "documents.permissions.ROLE_PERMISSIONS"
    person_records = (
        PersonRecord("documents.Document", "child_number", "Documents on the child's records"),
        PersonRecord("documents.DocumentVersion", "document__child_number", "Files of the documents on them"),
    )
