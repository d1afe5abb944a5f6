from .uploads import check_upload, clean_name, document_add, document_new_version, document_withdraw

__all__ = ["check_upload", "clean_name", "document_add", "document_new_version", "document_withdraw"]
