# The front door's records are case content: they are not in Django's admin site, which
# administrators use for users, teams and agencies only. Administrators reverse merges of child
# records in the service itself (contacts:merge_list), where they see record numbers only.
