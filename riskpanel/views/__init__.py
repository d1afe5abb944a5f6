"""Pages of the risk panel, one module per subdomain: selector, form, service, redirect after POST.

Each page of a record is a `core.pages.record_view` (404 for a record the user may not see, 403
for a page they may not use, the record written to the access log) and reads one permissions
object (riskpanel.permissions) as `perms`; each form goes through `core.pages.submit`.
"""
